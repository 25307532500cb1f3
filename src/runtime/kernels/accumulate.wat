;; target += source over n floats, four at a time (SIMD): the gradient sum of
;; data-parallel training, on the TF.js wasm backend's own heap (imported as memory).
;; Offsets are in bytes; n is the number of floats. Each sum is rounded to float32, as
;; the backend's Add kernel rounds it.
(module
  (import "env" "memory" (memory 1))
  (func (export "accumulate") (param $target i32) (param $source i32) (param $n i32)
    (local $i i32) (local $end i32) (local $tail i32)
    (local.set $end (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 4)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $target) (local.get $i))
          (f32x4.add
            (v128.load (i32.add (local.get $target) (local.get $i)))
            (v128.load (i32.add (local.get $source) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (local.set $tail (i32.shl (local.get $n) (i32.const 2)))
    (block $finished
      (loop $more
        (br_if $finished (i32.ge_u (local.get $i) (local.get $tail)))
        (f32.store (i32.add (local.get $target) (local.get $i))
          (f32.add
            (f32.load (i32.add (local.get $target) (local.get $i)))
            (f32.load (i32.add (local.get $source) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $more))))
)
