//go:build js && wasm

package atomicsx

import (
	"unsafe"

	"github.com/sabkit/sabkit/sabview"
)

// checkRegion validates a protocol's region: non-nil, shared, and at least
// minWords long.
func checkRegion(op string, region *sabview.View[int32], minWords int, what string) error {
	if region == nil {
		return errNil(op)
	}
	if !region.Shared() {
		return errNotShared(op, region)
	}
	if region.Len() < minWords {
		return errorf(op, ErrRegion, "allocate the region with the size the matching *Words function returns",
			"%s needs at least %d int32 words, the view has %d", what, minWords, region.Len())
	}
	return nil
}

// byteSpan returns the bytes [first, first+n) of region (given in int32
// words) as a Uint8-element view, for bulk copies. It aliases region.
func byteSpan(op string, region *sabview.View[int32], firstWord, words int) (*sabview.View[uint8], error) {
	sub, err := region.Sub(firstWord, firstWord+words)
	if err != nil {
		return nil, errView(op, err)
	}
	b, err := sabview.Cast[uint8](sub)
	if err != nil {
		return nil, errView(op, err)
	}
	return b, nil
}

// asBytes reinterprets a slice as its bytes. js/wasm and every JavaScript
// engine are little-endian, so the bytes mean the same on both sides.
func asBytes[T sabview.Element](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

func wordsFor(bytes int) int { return (bytes + 3) / 4 }
