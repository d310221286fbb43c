/// How well an embedding keeps local structure, as scikit-learn's `sklearn.manifold.trustworthiness`
/// (Euclidean): 1 − 2 / (n·k·(2n − 3k − 1)) · Σ_i Σ_{j among i's k nearest in the embedding} max(0, r(i, j) − k),
/// where r(i, j) is j's rank (1 = nearest) among i's neighbours in the input space. Ties are ranked by row
/// index (scikit-learn's `argsort` leaves their order unspecified), so inputs with tied distances may differ.
///
/// - Complexity: O(n² (width + dim + log n)) time, O(n) extra memory per row.
public enum Trustworthiness {
  /// The trustworthiness of `embedding` (`n × dim`, row-major) of `input` (`n × width`, row-major) at
  /// `neighbors` (scikit-learn's default is 5; we report 10); needs neighbors < n / 2, as scikit-learn.
  public static func score(input: [Double], width: Int, embedding: [Double], dim: Int, neighbors k: Int = 10) -> Double
  {
    let n = input.count / width
    precondition(embedding.count == n * dim && k < n / 2, "trustworthiness needs n × dim values and k < n / 2")
    var penalty = 0.0
    for i in 0..<n {
      let rank = ranks(of: i, in: input, width: width, count: n)
      let near = order(of: i, in: embedding, width: dim, count: n).prefix(k)
      for j in near where rank[j] > k { penalty += Double(rank[j] - k) }
    }
    let (nd, kd) = (Double(n), Double(k))
    return 1 - penalty * (2 / (nd * kd * (2 * nd - 3 * kd - 1)))
  }

  /// The other rows in order of distance from row `i` (ties by index).
  static func order(of i: Int, in x: [Double], width: Int, count n: Int) -> [Int] {
    let distances = (0..<n).map { j -> Double in
      var sum = 0.0
      for c in 0..<width {
        let d = x[i * width + c] - x[j * width + c]
        sum += d * d
      }
      return sum
    }
    return (0..<n).filter { $0 != i }.sorted {
      distances[$0] < distances[$1] || (distances[$0] == distances[$1] && $0 < $1)
    }
  }

  /// `rank[j]`: 1 for row `i`'s nearest other row, 2 for the next, …
  static func ranks(of i: Int, in x: [Double], width: Int, count n: Int) -> [Int] {
    var rank = [Int](repeating: 0, count: n)
    for (position, j) in order(of: i, in: x, width: width, count: n).enumerated() { rank[j] = position + 1 }
    return rank
  }
}
