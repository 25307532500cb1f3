;; One Adam update of a weight tensor, in place, four floats at a time (SIMD).
;; Reads and writes the TF.js wasm backend's own heap, which it imports as memory.
;;   m = beta1 * m + (1 - beta1) * g
;;   v = beta2 * v + (1 - beta2) * g * g
;;   w = w - step * m / (sqrt(v * scale2) + epsilon)
;; where step = learningRate / (1 - beta1^t) and scale2 = 1 / (1 - beta2^t).
;; Offsets are in bytes and 16-byte aligned; n is the number of floats.
(module
  (import "env" "memory" (memory 1))
  (func (export "adam")
    (param $w i32) (param $m i32) (param $v i32) (param $g i32) (param $n i32)
    (param $beta1 f32) (param $beta2 f32) (param $step f32) (param $scale2 f32) (param $epsilon f32)
    (local $i i32) (local $end i32) (local $tail i32)
    (local $b1 v128) (local $b2 v128) (local $c1 v128) (local $c2 v128)
    (local $st v128) (local $s2 v128) (local $eps v128)
    (local $gi v128) (local $mi v128) (local $vi v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $c1 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta1))))
    (local.set $c2 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta2))))
    (local.set $st (f32x4.splat (local.get $step)))
    (local.set $s2 (f32x4.splat (local.get $scale2)))
    (local.set $eps (f32x4.splat (local.get $epsilon)))
    ;; Vector part: byte offsets 0 .. 16 * floor(n / 4).
    (local.set $end (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 4)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gi (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mi (f32x4.add
          (f32x4.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $i))))
          (f32x4.mul (local.get $c1) (local.get $gi))))
        (local.set $vi (f32x4.add
          (f32x4.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $i))))
          (f32x4.mul (local.get $c2) (f32x4.mul (local.get $gi) (local.get $gi)))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mi))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vi))
        (v128.store (i32.add (local.get $w) (local.get $i))
          (f32x4.sub
            (v128.load (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $st) (local.get $mi))
              (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vi) (local.get $s2))) (local.get $eps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    ;; Scalar tail: the last n mod 4 floats.
    (local.set $tail (i32.shl (local.get $n) (i32.const 2)))
    (block $finished
      (loop $more
        (br_if $finished (i32.ge_u (local.get $i) (local.get $tail)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms (f32.add
          (f32.mul (local.get $beta1) (f32.load (i32.add (local.get $m) (local.get $i))))
          (f32.mul (f32.sub (f32.const 1) (local.get $beta1)) (local.get $gs))))
        (local.set $vs (f32.add
          (f32.mul (local.get $beta2) (f32.load (i32.add (local.get $v) (local.get $i))))
          (f32.mul (f32.sub (f32.const 1) (local.get $beta2)) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $m) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $w) (local.get $i))
          (f32.sub
            (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.div
              (f32.mul (local.get $step) (local.get $ms))
              (f32.add (f32.sqrt (f32.mul (local.get $vs) (local.get $scale2))) (local.get $epsilon)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $more))))
)
