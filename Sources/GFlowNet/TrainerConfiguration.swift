import NeuralNetwork
/// Hyperparameters of a GFlowNet training run (defaults: torchgfn's hypergrid example).
public struct TrainerConfiguration: Sendable {
  /// Objective.
  public var loss: LossKind = .tb
  /// Trajectories per optimisation step.
  public var batchSize = 128
  /// Width of each hidden layer.
  public var hiddenWidth = 256
  /// Number of hidden layers.
  public var hiddenLayers = 2
  /// Hidden activation.
  public var activation: Activation = .relu
  /// Adam learning rate of the network.
  public var learningRate: Float = 1e-3
  /// Adam learning rate of log Z (TB only).
  public var logZLearningRate: Float = 0.1
  /// Uniform exploration mass of the behaviour policy.
  public var epsilon = 0.0
  /// Softmax temperature of the behaviour policy.
  public var temperature = 1.0
  /// Uniform backward policy instead of a learned one.
  public var uniformBackward = false
  /// SubTB's λ.
  public var lambda = 0.9
  /// Fraction of each batch replayed from the buffer of best objects (backward-sampled, uniform P_B).
  public var replayFraction = 0.0
  /// Objects the replay buffer keeps.
  public var replayCapacity = 1000
  /// Seed of all randomness (initialisation and sampling).
  public var seed: UInt64 = 0

  /// The defaults.
  public init() {}

  /// Throws for values no run can use.
  public func validate() throws {
    func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
      if !ok { throw GFlowNetError.invalidArgument(name: name, value: "\(value)", expected: expected) }
    }
    try check(batchSize >= 1, "batch size", batchSize, "at least 1")
    try check(hiddenWidth >= 1, "hidden width", hiddenWidth, "at least 1")
    try check(hiddenLayers >= 0, "hidden layers", hiddenLayers, "at least 0")
    try check(learningRate > 0 && learningRate.isFinite, "learning rate", learningRate, "a positive number")
    try check(
      logZLearningRate > 0 && logZLearningRate.isFinite, "log Z learning rate", logZLearningRate, "a positive number")
    try check(epsilon >= 0 && epsilon <= 1, "epsilon", epsilon, "a number in [0, 1]")
    try check(temperature > 0 && temperature.isFinite, "temperature", temperature, "a positive number")
    try check(lambda > 0 && lambda.isFinite, "lambda", lambda, "a positive number")
    try check(replayFraction >= 0 && replayFraction < 1, "replay fraction", replayFraction, "a number in [0, 1)")
    try check(replayCapacity >= 1, "replay capacity", replayCapacity, "at least 1")
  }
}
