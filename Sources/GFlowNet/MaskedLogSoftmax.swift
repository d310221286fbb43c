import Foundation

/// Log-softmax over the allowed entries of a row of logits (masked entries get −∞), and its backward pass.
public enum MaskedLogSoftmax {
  /// log p_k = x_k/T − log Σ_{allowed j} exp(x_j/T), computed in Double; −∞ where `mask` is false.
  public static func logProbabilities(
    _ logits: UnsafeBufferPointer<Float>, mask: [Bool], temperature: Double = 1
  ) -> [Double] {
    var maximum = -Double.infinity
    for k in mask.indices where mask[k] { maximum = max(maximum, Double(logits[k]) / temperature) }
    var total = 0.0
    for k in mask.indices where mask[k] { total += exp(Double(logits[k]) / temperature - maximum) }
    let logTotal = maximum + log(total)
    return mask.indices.map { mask[$0] ? Double(logits[$0]) / temperature - logTotal : -.infinity }
  }

  /// Writes ∂L/∂logits into `gradient` for ∂L/∂log p_chosen = `upstream` (temperature 1):
  /// `upstream · (1[k = chosen] − p_k)` on allowed entries, 0 elsewhere.
  public static func backward(
    logProbabilities: [Double], chosen: Int, upstream: Double, into gradient: UnsafeMutableBufferPointer<Float>
  ) {
    for k in logProbabilities.indices {
      let p = exp(logProbabilities[k])
      gradient[k] += Float(upstream * ((k == chosen ? 1 : 0) - p))
    }
  }
}
