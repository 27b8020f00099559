//go:build !js

package devserver

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"sync"
	"time"
)

// etagCache makes strong ETags. Content with a modification time gets one
// from the time and the size, which change when the file is edited;
// content without one (embedded files, the rewritten Pyodide module) does
// not change while the server runs, so it is hashed once per path.
type etagCache struct {
	mu     sync.Mutex
	hashed map[string]string
}

func (c *etagCache) get(key string, mod time.Time, content io.ReadSeeker) (string, error) {
	if !mod.IsZero() {
		size, err := content.Seek(0, io.SeekEnd)
		if err != nil {
			return "", err
		}
		if _, err := content.Seek(0, io.SeekStart); err != nil {
			return "", err
		}
		return fmt.Sprintf(`"%x-%x"`, mod.UnixNano(), size), nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if tag, ok := c.hashed[key]; ok {
		return tag, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, content); err != nil {
		return "", err
	}
	if _, err := content.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	tag := `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]) + `"`
	if c.hashed == nil {
		c.hashed = map[string]string{}
	}
	c.hashed[key] = tag
	return tag, nil
}
