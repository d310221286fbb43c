import Foundation
import NeuralNetwork

/// Approximate k nearest neighbours by NN-descent (Dong, Charikar & Li 2011, as pynndescent runs it): start
/// from random neighbours; each round, every row's neighbours and reverse neighbours are sampled into new
/// and old candidates (at most `maxCandidates` each, by random priority), and every new–new and new–old
/// candidate pair is measured and offered to both rows' neighbour heaps; stop when a round changes fewer
/// than `delta · k · rows` entries or after max(5, log2 rows) rounds.
///
/// Single-threaded and seeded, so the graph is the same on every run.
struct NNDescent {
  let rows: Int8Rows
  let k: Int
  var rng: RandomSource
  var maxCandidates: Int { min(60, k) }
  let delta = 0.001

  /// One heap per row of (squared distance, index), and whether each entry is new since the last round.
  private var heaps: [BoundedHeap]
  private var isNew: [Set<Int32>]

  init(rows: Int8Rows, k: Int, seed: UInt64) {
    self.rows = rows
    self.k = k
    rng = RandomSource(seed: seed ^ 0x4E4E_4445)
    heaps = Array(repeating: BoundedHeap(capacity: k), count: rows.count)
    isNew = Array(repeating: [], count: rows.count)
  }

  /// Each row's `k` nearest other rows found, sorted as (squared distance, index).
  mutating func run() -> [[(Int32, Int32)]] {
    let n = rows.count
    rows.values.withUnsafeBufferPointer { x in
      for i in 0..<n {
        while heaps[i].items.count < min(k, n - 1) {
          let j = Int32(rng.next() % UInt64(n))
          if j != i && !heaps[i].contains(j) { offer(i, j, x) }
        }
      }
      let rounds = max(5, Int(log2(Double(n)).rounded()))
      for _ in 0..<rounds {
        let (new, old) = candidates()
        if localJoin(new, old, x) <= Int(delta * Double(k * n)) { break }
      }
    }
    return heaps.map { $0.sorted() }
  }

  @discardableResult
  private mutating func offer(_ i: Int, _ j: Int32, _ x: UnsafeBufferPointer<Int8>) -> Bool {
    if heaps[i].contains(j) { return false }
    let d = Int8Rows.squaredDistance(
      x.baseAddress! + i * rows.width, x.baseAddress! + Int(j) * rows.width, width: rows.width)
    guard heaps[i].push(d, j) else { return false }
    isNew[i].insert(j)
    return true
  }

  /// Sampled new and old candidates of every row, from its neighbours and its reverse neighbours.
  private mutating func candidates() -> (new: [[Int32]], old: [[Int32]]) {
    let n = rows.count
    var new = Array(repeating: BoundedHeap(capacity: maxCandidates), count: n)
    var old = Array(repeating: BoundedHeap(capacity: maxCandidates), count: n)
    for i in 0..<n {
      for (_, j) in heaps[i].items {
        let priority = Int32(truncatingIfNeeded: rng.next() >> 33)
        if isNew[i].contains(j) {
          new[i].push(priority, j)
          new[Int(j)].push(priority, Int32(i))
        } else {
          old[i].push(priority, j)
          old[Int(j)].push(priority, Int32(i))
        }
      }
    }
    for i in 0..<n {
      for (_, j) in new[i].items { isNew[i].remove(j) }
    }
    return (new.map { $0.items.map(\.1) }, old.map { $0.items.map(\.1) })
  }

  /// Offers every new–new and new–old candidate pair of every row to both rows; the number of entries changed.
  // PERFORMANCE: the NN-descent hot loop — rows × candidates² distance kernels.
  private mutating func localJoin(_ new: [[Int32]], _ old: [[Int32]], _ x: UnsafeBufferPointer<Int8>) -> Int {
    var changes = 0
    for i in 0..<rows.count {
      let fresh = new[i]
      for (a, p) in fresh.enumerated() {
        for q in fresh[(a + 1)...] where p != q { changes += join(p, q, x) }
        for q in old[i] where p != q { changes += join(p, q, x) }
      }
    }
    return changes
  }

  private mutating func join(_ p: Int32, _ q: Int32, _ x: UnsafeBufferPointer<Int8>) -> Int {
    let d = Int8Rows.squaredDistance(
      x.baseAddress! + Int(p) * rows.width, x.baseAddress! + Int(q) * rows.width, width: rows.width)
    var changes = 0
    for (a, b) in [(p, q), (q, p)] where !heaps[Int(a)].contains(b) && heaps[Int(a)].push(d, b) {
      isNew[Int(a)].insert(b)
      changes += 1
    }
    return changes
  }
}
