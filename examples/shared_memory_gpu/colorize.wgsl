// Turns the temperature field into RGBA8 colours: one invocation per cell.
// The palette is simple on purpose: main.go recomputes it on the CPU to check
// the GPU's result.
const WIDTH: u32 = __WIDTH__u;
const HEIGHT: u32 = __HEIGHT__u;
const SCALE: f32 = 0.125; // temperature 8 = full brightness

@group(0) @binding(0) var<storage, read> field: array<f32>;
@group(0) @binding(1) var<storage, read_write> colors: array<u32>;

fn palette(v: f32) -> vec4f {
  let t = clamp(v * SCALE, 0.0, 1.0);
  return vec4f(clamp(t * 2.0, 0.0, 1.0), clamp(t * 2.0 - 0.6, 0.0, 1.0), clamp(0.25 + t * 1.5 - t * t * 1.5, 0.0, 1.0), 1.0);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i >= WIDTH * HEIGHT) {
    return;
  }
  colors[i] = pack4x8unorm(palette(field[i]));
}
