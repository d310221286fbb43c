/// A multilayer perceptron: `hiddenLayers` dense layers of width `hiddenWidth` with one activation, then a
/// linear output layer (torchgfn's `MLP`).
public struct MLP: Sendable {
  /// The layers, input first.
  public var layers: [DenseLayer]

  /// Width of the input.
  public var inputCount: Int { layers[0].inputCount }
  /// Width of the output.
  public var outputCount: Int { layers[layers.count - 1].outputCount }

  /// A freshly initialised network.
  public init<G: RandomNumberGenerator>(
    inputCount: Int, hiddenWidth: Int, hiddenLayers: Int, outputCount: Int,
    activation: Activation = .relu, using rng: inout G
  ) {
    var layers: [DenseLayer] = []
    var width = inputCount
    for _ in 0..<hiddenLayers {
      layers.append(DenseLayer(inputCount: width, outputCount: hiddenWidth, activation: activation, using: &rng))
      width = hiddenWidth
    }
    layers.append(DenseLayer(inputCount: width, outputCount: outputCount, activation: .identity, using: &rng))
    self.layers = layers
  }

  /// A network made of the given layers (widths must chain).
  public init(layers: [DenseLayer]) {
    precondition(!layers.isEmpty)
    for (a, b) in zip(layers, layers.dropFirst()) { precondition(a.outputCount == b.inputCount) }
    self.layers = layers
  }

  /// Number of trainable scalars.
  public var parameterCount: Int { layers.reduce(0) { $0 + $1.weights.count + $1.bias.count } }

  /// The output (`rows × outputCount`); keeps activations for `backward` if `caching`.
  public mutating func forward(_ input: [Float], rows: Int, caching: Bool) -> [Float] {
    var x = input
    for i in layers.indices { x = layers[i].forward(x, rows: rows, caching: caching) }
    return x
  }

  /// Adds the parameter gradients of the last cached forward pass for `outputGradient`; returns the
  /// gradient of the input if `needsInputGradient`.
  @discardableResult
  public mutating func backward(_ outputGradient: [Float], rows: Int, needsInputGradient: Bool = false) -> [Float] {
    var g = outputGradient
    for i in layers.indices.reversed() {
      g = layers[i].backward(g, rows: rows, needsInputGradient: i > 0 || needsInputGradient)
    }
    return g
  }

  /// Sets every gradient to zero.
  public mutating func zeroGradients() {
    for i in layers.indices { layers[i].zeroGradients() }
  }
}
