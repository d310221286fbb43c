import Foundation
import TestSupport
import Testing

@testable import GFlowNet
import NeuralNetwork

/// ∂(Σ c·f(θ))/∂θ by central differences, evaluated in Double over Float parameters.
private func numericGradient(_ values: inout [Float], step: Float, _ objective: ([Float]) -> Double) -> [Double] {
  var gradient: [Double] = []
  for i in values.indices {
    let saved = values[i]
    values[i] = saved + step
    let plus = objective(values)
    values[i] = saved - step
    let minus = objective(values)
    values[i] = saved
    gradient.append((plus - minus) / Double(2 * step))
  }
  return gradient
}

private func maxRelativeError(_ a: [Double], _ b: [Float]) -> Double {
  let scale = max(1e-2, a.map(abs).max() ?? 0)
  return zip(a, b).map { abs($0 - Double($1)) }.max()! / scale
}

@Suite struct MatrixKernelTests {
  @Test(arguments: [(1, 1, 1), (3, 5, 7), (4, 8, 16), (9, 17, 33), (130, 256, 40), (260, 264, 64)])
  func multiplyAddMatchesNaiveProduct(m: Int, n: Int, k: Int) {
    var rng = RandomSource(seed: UInt64(m * 1000 + n))
    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
    let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
    let c0 = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &rng) }
    var c = c0
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          MatrixKernel.multiplyAdd(m: m, n: n, k: k, a: ap.baseAddress!, b: bp.baseAddress!, c: cp.baseAddress!)
        }
      }
    }
    var worst = 0.0
    for i in 0..<m {
      for j in 0..<n {
        var expected = Double(c0[i * n + j])
        for p in 0..<k { expected += Double(a[i * k + p]) * Double(b[p * n + j]) }
        worst = max(worst, abs(expected - Double(c[i * n + j])))
      }
    }
    #expect(worst < 1e-4 * Double(k))
  }

  /// The threaded product (rows in 4-row tiles over two chunks) equals the same rows taken one at a time (the
  /// one-row path, one thread) bit for bit: each element is the same sum in the same order.
  @Test func anyGroupingOfTheRowsGivesTheSameBits() {
    let (m, n, k) = (262, 264, 64)
    var rng = RandomSource(seed: 11)
    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
    let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
    let c0 = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &rng) }
    var whole = c0
    var byRow = c0
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        whole.withUnsafeMutableBufferPointer { cp in
          MatrixKernel.multiplyAdd(m: m, n: n, k: k, a: ap.baseAddress!, b: bp.baseAddress!, c: cp.baseAddress!)
        }
        byRow.withUnsafeMutableBufferPointer { cp in
          for i in 0..<m {
            MatrixKernel.multiplyAdd(
              m: 1, n: n, k: k, a: ap.baseAddress! + i * k, b: bp.baseAddress!, c: cp.baseAddress! + i * n)
          }
        }
      }
    }
    #expect(whole == byRow)
  }

  @Test func transposeSwapsIndices() {
    let rows = 37
    let columns = 45
    let source = (0..<(rows * columns)).map(Float.init)
    var destination = [Float](repeating: -1, count: rows * columns)
    source.withUnsafeBufferPointer { s in
      destination.withUnsafeMutableBufferPointer { d in
        MatrixKernel.transpose(rows: rows, columns: columns, source: s.baseAddress!, destination: d.baseAddress!)
      }
    }
    for i in 0..<rows {
      for j in 0..<columns { #expect(destination[j * rows + i] == source[i * columns + j]) }
    }
  }
}

@Suite struct GradientCheckTests {
  @Test(arguments: [Activation.identity, .relu, .leakyReLU])
  func denseLayerMatchesFiniteDifferences(activation: Activation) {
    var rng = RandomSource(seed: 7)
    let rows = 5
    var layer = DenseLayer(inputCount: 6, outputCount: 9, activation: activation, using: &rng)
    var input = (0..<(rows * 6)).map { _ in Float.random(in: -1...1, using: &rng) }
    let weightsOut = (0..<(rows * 9)).map { _ in Double.random(in: -1...1, using: &rng) }
    func objective(_ layer: DenseLayer, _ x: [Float]) -> Double {
      var copy = layer
      return zip(copy.forward(x, rows: rows, caching: false), weightsOut).reduce(0) { $0 + Double($1.0) * $1.1 }
    }
    _ = layer.forward(input, rows: rows, caching: true)
    let inputGradient = layer.backward(weightsOut.map(Float.init), rows: rows)
    let step: Float = 1e-3
    let base = layer
    var w = layer.weights
    let numericW = numericGradient(&w, step: step) { v in
      var l = base
      l.weights = v
      return objective(l, input)
    }
    var b = layer.bias
    let numericB = numericGradient(&b, step: step) { v in
      var l = base
      l.bias = v
      return objective(l, input)
    }
    let numericX = numericGradient(&input, step: step) { objective(base, $0) }
    #expect(maxRelativeError(numericW, layer.weightGradient) < 1e-2)
    #expect(maxRelativeError(numericB, layer.biasGradient) < 1e-2)
    #expect(maxRelativeError(numericX, inputGradient) < 1e-2)
  }

  @Test func mlpMatchesFiniteDifferences() {
    var rng = RandomSource(seed: 11)
    let rows = 4
    var mlp = MLP(inputCount: 5, hiddenWidth: 12, hiddenLayers: 2, outputCount: 3, activation: .leakyReLU, using: &rng)
    let input = (0..<(rows * 5)).map { _ in Float.random(in: -1...1, using: &rng) }
    let c = (0..<(rows * 3)).map { _ in Double.random(in: -1...1, using: &rng) }
    _ = mlp.forward(input, rows: rows, caching: true)
    mlp.zeroGradients()
    mlp.backward(c.map(Float.init), rows: rows)
    let base = mlp
    for layerIndex in mlp.layers.indices {
      var w = mlp.layers[layerIndex].weights
      let numeric = numericGradient(&w, step: 1e-3) { v in
        var m = base
        m.layers[layerIndex].weights = v
        return zip(m.forward(input, rows: rows, caching: false), c).reduce(0) { $0 + Double($1.0) * $1.1 }
      }
      #expect(maxRelativeError(numeric, mlp.layers[layerIndex].weightGradient) < 1e-2)
    }
  }

  @Test func maskedLogSoftmaxMatchesFiniteDifferences() {
    let mask = [true, false, true, true]
    var logits: [Float] = [0.3, 5, -1.2, 0.7]
    let chosen = 2
    var gradient = [Float](repeating: 0, count: 4)
    let lp = logits.withUnsafeBufferPointer { MaskedLogSoftmax.logProbabilities($0, mask: mask) }
    #expect(abs(mask.indices.filter { mask[$0] }.map { exp(lp[$0]) }.reduce(0, +) - 1) < 1e-12)
    #expect(lp[1] == -.infinity)
    gradient.withUnsafeMutableBufferPointer {
      MaskedLogSoftmax.backward(logProbabilities: lp, chosen: chosen, upstream: 1.5, into: $0)
    }
    let numeric = numericGradient(&logits, step: 1e-3) { v in
      1.5 * v.withUnsafeBufferPointer { MaskedLogSoftmax.logProbabilities($0, mask: mask)[chosen] }
    }
    #expect(maxRelativeError(numeric, gradient) < 1e-3)
    #expect(gradient[1] == 0)
  }

  /// Random scores for three trajectories of lengths 1, 3 and 5 transitions.
  private func randomScores() -> TrajectoryScores {
    var rng = RandomSource(seed: 3)
    let offsets = [0, 1, 4, 9]
    func values(_ n: Int) -> [Double] { (0..<n).map { _ in Double.random(in: -2...0, using: &rng) } }
    var logPB = values(9)
    for i in 1..<offsets.count { logPB[offsets[i] - 1] = 0 }
    return TrajectoryScores(offsets: offsets, logPF: values(9), logPB: logPB, logF: values(9), logReward: values(3))
  }

  @Test(arguments: [LossKind.tb, .db, .subtb])
  func lossMatchesFiniteDifferences(kind: LossKind) {
    let loss: any GFlowNetLoss
    switch kind {
    case .tb: loss = TrajectoryBalance()
    case .db: loss = DetailedBalance()
    case .subtb: loss = SubTrajectoryBalance(lambda: 0.9)
    case .fm: return  // edge flows, not trajectory scores: FlowMatchingTests
    }
    let scores = randomScores()
    let logZ = 0.7
    let g = loss.evaluate(scores, logZ: logZ)
    #expect(g.loss > 0)
    let h = 1e-6
    func check(_ path: WritableKeyPath<TrajectoryScores, [Double]>, _ analytic: [Double]) {
      for t in analytic.indices {
        var plus = scores
        plus[keyPath: path][t] += h
        var minus = scores
        minus[keyPath: path][t] -= h
        let numeric = (loss.evaluate(plus, logZ: logZ).loss - loss.evaluate(minus, logZ: logZ).loss) / (2 * h)
        #expect(abs(numeric - analytic[t]) < 1e-6, "transition \(t)")
      }
    }
    check(\.logPF, g.logPF)
    check(\.logF, g.logF)
    // log P_B of non-exit transitions (exits carry no backward step).
    for t in [1, 2, 4, 5, 6, 7] {
      var plus = scores
      plus.logPB[t] += h
      var minus = scores
      minus.logPB[t] -= h
      let numeric = (loss.evaluate(plus, logZ: logZ).loss - loss.evaluate(minus, logZ: logZ).loss) / (2 * h)
      #expect(abs(numeric - g.logPB[t]) < 1e-6)
    }
    let numericZ = (loss.evaluate(scores, logZ: logZ + h).loss - loss.evaluate(scores, logZ: logZ - h).loss) / (2 * h)
    #expect(abs(numericZ - g.logZ) < 1e-6)
    #expect(loss.usesLogZ == (kind == .tb))
  }

  @Test func subTrajectoryBalanceOnOneTransitionIsDetailedBalanceOnExit() {
    let scores = TrajectoryScores(offsets: [0, 1], logPF: [-0.5], logPB: [0], logF: [1.25], logReward: [0.25])
    let expected = pow(1.25 - 0.5 - 0.25, 2)
    #expect(abs(SubTrajectoryBalance().evaluate(scores, logZ: 0).loss - expected) < 1e-12)
    #expect(abs(DetailedBalance().evaluate(scores, logZ: 0).loss - expected) < 1e-12)
    #expect(abs(TrajectoryBalance().evaluate(scores, logZ: 1.25).loss - expected) < 1e-12)
  }
}

@Suite struct OptimiserAndStorageTests {
  @Test func adamFirstStepMovesByLearningRateAgainstTheGradient() {
    var adam = Adam(learningRate: 0.01)
    var x: [Float] = [1, -2, 3]
    adam.beginStep()
    adam.update(&x, gradients: [0.5, -4, 0], slot: 0)
    #expect(abs(x[0] - 0.99) < 1e-6)
    #expect(abs(x[1] - -1.99) < 1e-6)
    #expect(x[2] == 3)
  }

  @Test func adamMinimisesAQuadratic() {
    var adam = Adam(learningRate: 0.05)
    var x: [Float] = [3, -2]
    for _ in 0..<500 {
      adam.beginStep()
      adam.update(&x, gradients: x.map { 2 * ($0 - 1) }, slot: 0)
    }
    #expect(abs(x[0] - 1) < 1e-2 && abs(x[1] - 1) < 1e-2)
  }

  @Test func parametersRoundTripThroughAFile() throws {
    var rng = RandomSource(seed: 5)
    var mlp = MLP(inputCount: 7, hiddenWidth: 10, hiddenLayers: 2, outputCount: 4, activation: .leakyReLU, using: &rng)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.file("policy.gfnm")
    try mlp.save(to: path)
    var loaded = try MLP.load(from: path)
    #expect(loaded.layers.map(\.weights) == mlp.layers.map(\.weights))
    #expect(loaded.layers.map(\.bias) == mlp.layers.map(\.bias))
    #expect(loaded.layers.map(\.activation) == mlp.layers.map(\.activation))
    let input = (0..<14).map { _ in Float.random(in: -1...1, using: &rng) }
    #expect(loaded.forward(input, rows: 2, caching: false) == mlp.forward(input, rows: 2, caching: false))
  }

  @Test func corruptParametersAreRejected() {
    var rng = RandomSource(seed: 5)
    let bytes = MLP(inputCount: 3, hiddenWidth: 4, hiddenLayers: 1, outputCount: 2, using: &rng).serialized()
    #expect(throws: NeuralNetworkError.self) { try MLP(serialized: Array(bytes.dropLast(3))) }
    #expect(throws: NeuralNetworkError.self) { try MLP(serialized: [0x47, 0x46] + bytes) }
    #expect(throws: NeuralNetworkError.self) { try MLP.load(from: "/nonexistent/policy.gfnm") }
  }

  @Test func randomSourceIsDeterministicAndUniform() {
    var a = RandomSource(seed: 42)
    var b = RandomSource(seed: 42)
    #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
    var sum = 0.0
    for _ in 0..<100_000 { sum += a.nextUnit() }
    #expect(abs(sum / 100_000 - 0.5) < 0.005)
  }
}
