import Foundation
import NeuralNetwork

/// Each row's k nearest rows (Euclidean over int8 features), itself first, as umap-learn's k-NN graph.
///
/// Exact (all pairs) below `kernelExactBelow` rows when the AVX2 int8 kernel can measure them (Numerai's 0…4
/// values), else below 4096 rows as umap-learn does; NN-descent above (random initial neighbours, then local
/// joins of sampled new/old candidates until fewer than 0.1 % of the entries change), which at hundreds of
/// features finds fewer of the true neighbours. Ties are broken by row index, so the graph is deterministic.
struct NearestNeighbors: Sendable {
  /// Neighbours per row, the row itself included.
  let k: Int
  /// `rows × k` neighbour indices, nearest first (`indices[i * k]` is `i`).
  let indices: [Int32]
  /// `rows × k` Euclidean distances, matching `indices`.
  let distances: [Double]

  /// The row count under which the graph is computed exactly by the Swift loop.
  static let exactBelow = 4096
  /// The row count under which the graph is computed exactly by the AVX2 kernel (rows² × features int8
  /// products: 20 k rows × 705 features take seconds).
  static let kernelExactBelow = 65_536

  /// The `k` nearest rows of every row of `rows`; `exactBelow` (when given) replaces the row count under
  /// which the graph is exact.
  static func graph(of rows: Int8Rows, k: Int, seed: UInt64, exactBelow: Int? = nil) -> NearestNeighbors {
    let kernel = ExactNeighbors.kernelMeasures(rows)
    let others: [[(Int32, Int32)]]
    if rows.count < exactBelow ?? (kernel ? kernelExactBelow : Self.exactBelow) {
      others = kernel ? exactByKernel(rows, k: k - 1) : exact(rows, k: k - 1)
    } else {
      var descent = NNDescent(rows: rows, k: k - 1, seed: seed)
      others = descent.run()
    }
    return NearestNeighbors(k: k, others: others, count: rows.count)
  }

  /// The graph from each row's `k − 1` nearest other rows as (squared distance, index), sorted.
  private init(k: Int, others: [[(Int32, Int32)]], count: Int) {
    self.k = k
    var indices = [Int32](repeating: 0, count: count * k)
    var distances = [Double](repeating: 0, count: count * k)
    for i in 0..<count {
      indices[i * k] = Int32(i)
      for (m, (d, j)) in others[i].enumerated() {
        indices[i * k + 1 + m] = j
        distances[i * k + 1 + m] = Double(d).squareRoot()
      }
    }
    self.indices = indices
    self.distances = distances
  }

  /// Each row's `k` nearest other rows by brute force (rows split over the cores).
  // PERFORMANCE: rows² / 2 distance kernels; each worker owns a disjoint range of rows.
  static func exact(_ rows: Int8Rows, k: Int) -> [[(Int32, Int32)]] {
    let n = rows.count
    let out = SendableBox([[(Int32, Int32)]](repeating: [], count: n))
    rows.values.withUnsafeBufferPointer { x in
      let base = SendablePointer(x.baseAddress!)
      DispatchQueue.concurrentPerform(iterations: 2) { worker in
        for i in stride(from: worker, to: n, by: 2) {
          var best = BoundedHeap(capacity: k)
          for j in 0..<n where j != i {
            best.push(
              Int8Rows.squaredDistance(base.pointer + i * rows.width, base.pointer + j * rows.width, width: rows.width),
              Int32(j))
          }
          out.set(i, best.sorted())
        }
      }
    }
    return out.value
  }

  /// `exact`'s neighbours measured by `ExactNeighbors` (the AVX2 kernel), half of the rows on each core: each row's
  /// `k + 1` nearest rows without itself (or, among more than `k` copies of it, the first `k`).
  static func exactByKernel(_ rows: Int8Rows, k: Int) -> [[(Int32, Int32)]] {
    let search = ExactNeighbors(rows)
    let out = SendableBox([[(Int32, Int32)]](repeating: [], count: rows.count))
    let half = (rows.count + 1) / 2
    DispatchQueue.concurrentPerform(iterations: 2) { worker in
      let mine = Array(worker == 0 ? 0..<half : half..<rows.count)
      for (i, nearest) in zip(mine, search.nearest(rows, rows: mine, k: k + 1)) {
        out.set(i, Array(nearest.filter { $0.1 != Int32(i) }.prefix(k)))
      }
    }
    return out.value
  }

  /// The `k` nearest of `rows` to `query` (a `rows.width` wide row), nearest first, as (squared distance, index).
  static func query(_ query: UnsafePointer<Int8>, in rows: UnsafeBufferPointer<Int8>, width: Int, k: Int) -> [(
    Int32, Int32
  )] {
    var best = BoundedHeap(capacity: k)
    for j in 0..<(rows.count / max(width, 1)) {
      best.push(Int8Rows.squaredDistance(query, rows.baseAddress! + j * width, width: width), Int32(j))
    }
    return best.sorted()
  }
}

/// The `capacity` smallest (distance, index) pairs seen, as a max-heap (ties: larger index is "larger").
struct BoundedHeap {
  let capacity: Int
  private(set) var items: [(Int32, Int32)] = []

  init(capacity: Int) {
    self.capacity = capacity
    items.reserveCapacity(capacity)
  }

  @inline(__always) static func less(_ a: (Int32, Int32), _ b: (Int32, Int32)) -> Bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
  }

  /// Keeps `(distance, index)` if it is among the `capacity` smallest; returns whether it was kept.
  @discardableResult
  mutating func push(_ distance: Int32, _ index: Int32) -> Bool {
    let item = (distance, index)
    if items.count < capacity {
      items.append(item)
      var c = items.count - 1
      while c > 0, Self.less(items[(c - 1) / 2], items[c]) {
        items.swapAt(c, (c - 1) / 2)
        c = (c - 1) / 2
      }
      return true
    }
    guard capacity > 0, Self.less(item, items[0]) else { return false }
    items[0] = item
    var p = 0
    while true {
      let l = 2 * p + 1
      let r = l + 1
      var top = p
      if l < capacity, Self.less(items[top], items[l]) { top = l }
      if r < capacity, Self.less(items[top], items[r]) { top = r }
      if top == p { break }
      items.swapAt(p, top)
      p = top
    }
    return true
  }

  func contains(_ index: Int32) -> Bool { items.contains { $0.1 == index } }

  /// The kept pairs, smallest first.
  func sorted() -> [(Int32, Int32)] { items.sorted(by: Self.less) }
}

/// A value written from several threads at disjoint indices, read after they all finish.
final class SendableBox<Element>: @unchecked Sendable {
  private(set) var value: [Element]
  private let lock = NSLock()

  init(_ value: [Element]) { self.value = value }

  func set(_ i: Int, _ element: Element) { lock.withLock { value[i] = element } }
}

/// A pointer read by several threads (never written through while shared).
struct SendablePointer<T>: @unchecked Sendable {
  let pointer: UnsafePointer<T>
  init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}

/// A pointer several threads write through, each at its own disjoint elements.
struct SendableMutablePointer<T>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<T>
  init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
