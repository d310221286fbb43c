import CMatrixKernel
import Foundation

/// The one matrix-product kernel of the module: `C += A · B` for row-major Float32 matrices.
///
/// Every dense-layer product (forward, gradient of the weights, gradient of the inputs) goes through
/// `multiplyAdd`; transposed operands are materialised first with `transpose`, which costs O(size) against
/// the product's O(m·n·k). On x86-64 with AVX2 and FMA the rows go to the C kernel `mk_rows_avx2_fma` (a
/// 4×16 tile in eight registers, fused multiply-adds); elsewhere to `rows` below (a 4×8 tile in SIMD8,
/// `acc += a * b`). Large products split their rows over the cores; every element of `C` is summed in the same
/// order whatever the split, so results are bit-identical for any thread count (on one kind of CPU).
public enum MatrixKernel {
  /// `C[m×n] += A[m×k] · B[k×n]`, all row-major and contiguous.
  ///
  /// - Complexity: O(m·n·k).
  public static func multiplyAdd(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>
  ) {
    let work = m * n * k
    let chunks = min(ProcessInfo.processInfo.activeProcessorCount, m / 8)
    if work < 1 << 20 || chunks < 2 {
      product(0, m, n: n, k: k, a: a, b: b, c: c)
      return
    }
    let operands = Operands(a: a, b: b, c: c)
    // Row blocks are disjoint, so the chunks never write the same element of C.
    let rowsPerChunk = (m / chunks + 3) & ~3
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let start = chunk * rowsPerChunk
      let end = chunk == chunks - 1 ? m : min(m, start + rowsPerChunk)
      if start < end { product(start, end, n: n, k: k, a: operands.a, b: operands.b, c: operands.c) }
    }
  }

  /// Whether the CPU takes the AVX2/FMA kernel (asked once per process).
  static let fused = mk_has_avx2_fma() == 1

  /// Rows [start, end) of the product, by the kernel this CPU runs.
  private static func product(
    _ start: Int, _ end: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>
  ) {
    if fused {
      mk_rows_avx2_fma(start, end, n, k, a, b, c)
    } else {
      rows(start, end, n: n, k: k, a: a, b: b, c: c)
    }
  }

  /// Writes the transpose of the row-major `rows×columns` matrix `source` into `destination` (`columns×rows`).
  public static func transpose(
    rows: Int, columns: Int, source: UnsafePointer<Float>, destination: UnsafeMutablePointer<Float>
  ) {
    let block = 32
    var i0 = 0
    while i0 < rows {
      let i1 = min(rows, i0 + block)
      var j0 = 0
      while j0 < columns {
        let j1 = min(columns, j0 + block)
        for i in i0..<i1 {
          for j in j0..<j1 { destination[j * rows + i] = source[i * columns + j] }
        }
        j0 = j1
      }
      i0 = i1
    }
  }

  /// Pointers shared by the row chunks of one product; each chunk writes only its own rows of `c`.
  private struct Operands: @unchecked Sendable {
    let a: UnsafePointer<Float>
    let b: UnsafePointer<Float>
    let c: UnsafeMutablePointer<Float>
  }

  @inline(__always)
  private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }

  @inline(__always)
  private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
  }

  private static func rows(
    _ start: Int, _ end: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>
  ) {
    let vectorColumns = n & ~7
    var i = start
    while i + 4 <= end {
      let a0 = a + i * k
      let a1 = a0 + k
      let a2 = a1 + k
      let a3 = a2 + k
      let c0 = c + i * n
      let c1 = c0 + n
      let c2 = c1 + n
      let c3 = c2 + n
      var j = 0
      while j < vectorColumns {
        var acc0 = load(c0 + j)
        var acc1 = load(c1 + j)
        var acc2 = load(c2 + j)
        var acc3 = load(c3 + j)
        var bp = b + j
        for p in 0..<k {
          let bv = load(bp)
          acc0 += SIMD8(repeating: a0[p]) * bv
          acc1 += SIMD8(repeating: a1[p]) * bv
          acc2 += SIMD8(repeating: a2[p]) * bv
          acc3 += SIMD8(repeating: a3[p]) * bv
          bp += n
        }
        store(acc0, c0 + j)
        store(acc1, c1 + j)
        store(acc2, c2 + j)
        store(acc3, c3 + j)
        j += 8
      }
      if vectorColumns < n {
        for r in 0..<4 { scalarTail(row: i + r, from: vectorColumns, n: n, k: k, a: a, b: b, c: c) }
      }
      i += 4
    }
    while i < end {
      let ai = a + i * k
      let ci = c + i * n
      var j = 0
      while j < vectorColumns {
        var acc = load(ci + j)
        var bp = b + j
        for p in 0..<k {
          acc += SIMD8(repeating: ai[p]) * load(bp)
          bp += n
        }
        store(acc, ci + j)
        j += 8
      }
      scalarTail(row: i, from: vectorColumns, n: n, k: k, a: a, b: b, c: c)
      i += 1
    }
  }

  @inline(__always)
  private static func scalarTail(
    row i: Int, from j0: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>
  ) {
    for j in j0..<n {
      var acc = c[i * n + j]
      for p in 0..<k { acc += a[i * k + p] * b[p * n + j] }
      c[i * n + j] = acc
    }
  }
}
