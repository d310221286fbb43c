/// The loss a model is trained to minimise (LightGBM's `objective`): it gives the initial score, and each
/// row's gradient and hessian of the loss at the current score.
///
/// Only L2 exists for now. The tree learner takes row counts as hessian sums, which is exact while every
/// hessian is 1 (`constantHessian`); an objective with other hessians needs them carried in the histograms.
public enum Objective: String, Sendable, Codable, Hashable, CaseIterable {
  /// L2 loss ½(score − label)² (LightGBM's "regression").
  case regression

  /// The names LightGBM accepts for each objective.
  public static let lightGBMNames: [String: Objective] = [
    "regression": .regression, "regression_l2": .regression, "l2": .regression, "mean_squared_error": .regression,
    "mse": .regression,
  ]

  /// The objective named `name` (LightGBM's names and aliases); a BoostingError naming the value otherwise.
  public init(lightGBMName name: String) throws {
    guard let objective = Self.lightGBMNames[name] else {
      let expected = Self.lightGBMNames.keys.sorted().joined(separator: ", ")
      throw BoostingError("parameter objective=\(name): expected one of \(expected) (L2 regression)")
    }
    self = objective
  }

  /// The name LightGBM writes in model.txt.
  public var lightGBMName: String { rawValue }

  /// The score every row starts from (LightGBM's BoostFromAverage): the mean label.
  public func initialScore(labels: [Float]) -> Double {
    var sum = 0.0
    for y in labels { sum += Double(y) }
    return sum / Double(labels.count)
  }

  /// The hessian of every row, when it is the same for all (LightGBM's IsConstantHessian): 1 for L2.
  public var constantHessian: Float? { 1 }

  /// Writes each row's gradient score − label, as a Float like LightGBM's score_t.
  /// - Complexity: O(rows).
  public func gradients(scores: [Double], labels: [Float], into gradients: inout [Float]) {
    precondition(scores.count == labels.count && gradients.count == labels.count)
    scores.withUnsafeBufferPointer { scores in
      labels.withUnsafeBufferPointer { labels in
        gradients.withUnsafeMutableBufferPointer { gradients in
          for i in 0..<gradients.count { gradients[i] = Float(scores[i] - Double(labels[i])) }
        }
      }
    }
  }

  /// Each row's hessian (1 for L2).
  public func hessians(scores: [Double], labels: [Float]) -> [Float] {
    [Float](repeating: 1, count: labels.count)
  }
}
