/// Nearest fitted rows of a new row by best-first search over the fitted rows' k-NN graph with its reverse
/// edges (pynndescent's query, with evenly spaced pivot rows where it starts from a random-projection tree):
/// measure `pivots` rows spread over the fitted rows, then expand the nearest unexpanded row until none is
/// within (1 + `epsilon`) of the k-th best distance. A group of fitted rows with no graph edge to the rest is
/// found when a pivot falls in it (groups of more than rows / `pivots` rows always hold one).
///
/// - Complexity: about rows visited × neighbours distance kernels per query, instead of every fitted row.
struct SearchGraph: Sendable {
  /// `neighbors[i]`: row i's k-NN and reverse k-NN rows, ascending.
  let neighbors: [[Int32]]
  let pivots = 256
  let epsilon = 0.1

  /// The graph of `knn` (`rows × k` indices, each row's own index first).
  init(knn: [Int32], k: Int) {
    let n = knn.count / k
    var sets = [Set<Int32>](repeating: [], count: n)
    for i in 0..<n {
      for m in 1..<k {
        let j = knn[i * k + m]
        sets[i].insert(j)
        sets[Int(j)].insert(Int32(i))
      }
    }
    neighbors = sets.map { $0.sorted() }
  }

  /// The `k` nearest of `rows` (`width` wide, the graph's rows) to `query`, nearest first, as (squared
  /// distance, index).
  // PERFORMANCE: one distance kernel per visited row.
  func query(_ query: UnsafePointer<Int8>, in rows: UnsafeBufferPointer<Int8>, width: Int, k: Int) -> [(Int32, Int32)] {
    let n = neighbors.count
    var visited = Set<Int32>()
    var best = BoundedHeap(capacity: k)
    var frontier = MinHeap()
    func visit(_ j: Int32) {
      guard visited.insert(j).inserted else { return }
      let d = Int8Rows.squaredDistance(query, rows.baseAddress! + Int(j) * width, width: width)
      if best.items.count < k || Double(d) < bound(best) { frontier.push((d, j)) }
      best.push(d, j)
    }
    for j in stride(from: 0, to: n, by: max(1, n / pivots)) { visit(Int32(j)) }
    while let (d, i) = frontier.pop() {
      if best.items.count == k && Double(d) > bound(best) { break }
      for j in neighbors[Int(i)] { visit(j) }
    }
    return best.sorted()
  }

  /// (1 + ε)² times the worst kept squared distance.
  private func bound(_ best: BoundedHeap) -> Double {
    (1 + epsilon) * (1 + epsilon) * Double(best.items.first?.0 ?? .max)
  }
}

/// A binary min-heap of (squared distance, index) pairs (ties: smaller index first).
struct MinHeap {
  private var items: [(Int32, Int32)] = []

  mutating func push(_ item: (Int32, Int32)) {
    items.append(item)
    var c = items.count - 1
    while c > 0, BoundedHeap.less(items[c], items[(c - 1) / 2]) {
      items.swapAt(c, (c - 1) / 2)
      c = (c - 1) / 2
    }
  }

  mutating func pop() -> (Int32, Int32)? {
    guard let top = items.first else { return nil }
    let last = items.removeLast()
    if items.isEmpty { return top }
    items[0] = last
    var p = 0
    while true {
      let l = 2 * p + 1
      let r = l + 1
      var low = p
      if l < items.count, BoundedHeap.less(items[l], items[low]) { low = l }
      if r < items.count, BoundedHeap.less(items[r], items[low]) { low = r }
      if low == p { break }
      items.swapAt(p, low)
      p = low
    }
    return top
  }
}
