import ArgumentParser
import Foundation
import GFlowNet

/// `signal-miner gfn …`: train GFlowNets on benchmark environments.
struct GFNCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gfn", abstract: "Train GFlowNets on benchmark environments.", subcommands: [HyperGridCommand.self])
}

/// `signal-miner gfn hypergrid`: train on torchgfn's hypergrid and report the exact L1 distance, log Z and modes.
struct HyperGridCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hypergrid",
    abstract: "Train a GFlowNet on the hypergrid and evaluate it exactly.",
    discussion: "Progress goes to stderr; the result (one JSON line with --json) to stdout.")

  @Option(help: "Number of dimensions (≥ 1).") var ndim: Int
  @Option(help: "Side length of the grid (≥ 2).") var height: Int
  @Option(help: "Loss: tb, db, subtb or fm (flow matching).") var loss: String = "tb"
  @Option(help: "Trajectories to train on.") var trajectories: Int
  @Option(help: "Trajectories per step.") var batch: Int = 128
  @Option(help: "Hidden layer width.") var hidden: Int = 256
  @Option(help: "Hidden layers.") var layers: Int = 2
  @Option(help: "Adam learning rate.") var lr: Float = 1e-3
  @Option(name: .customLong("lr-logz"), help: "Adam learning rate of log Z (TB).") var lrLogZ: Float = 0.1
  @Option(help: "Uniform exploration probability.") var epsilon: Double = 0
  @Option(help: "Behaviour policy: policy (the learned one, with --epsilon and --temperature) or uniform (off-policy: every allowed action equally likely).")
  var behaviour = "policy"
  @Option(help: "Behaviour policy temperature.") var temperature: Double = 1
  @Flag(name: .customLong("uniform-pb"), help: "Uniform backward policy instead of a learned one.") var uniformPB =
    false
  @Option(help: "Random seed.") var seed: UInt64 = 0
  @Flag(help: "Print the result as one JSON line.") var json = false

  /// Range checks; they throw `GFlowNetError` rather than `ValidationError` so the command exits with code 1.
  func validate() throws {
    func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
      if !ok { throw GFlowNetError.invalidArgument(name: "--\(name)", value: "\(value)", expected: expected) }
    }
    try check(ndim >= 1, "ndim", ndim, "at least 1")
    try check(height >= 2, "height", height, "at least 2")
    try check(LossKind(rawValue: loss) != nil, "loss", loss, "tb, db, subtb or fm")
    try check(trajectories >= 1, "trajectories", trajectories, "at least 1")
    try check(["policy", "uniform"].contains(behaviour), "behaviour", behaviour, "policy or uniform")
    try check(behaviour == "policy" || epsilon == 0, "epsilon", epsilon, "0 with --behaviour uniform (it is already uniform)")
    try check(
      Double(ndim) * log2(Double(height)) <= 24, "ndim/height", "\(ndim)/\(height)",
      "at most 2^24 states for exact evaluation")
  }

  func run() async throws {
    var configuration = TrainerConfiguration()
    configuration.loss = LossKind(rawValue: loss)!
    configuration.batchSize = batch
    configuration.hiddenWidth = hidden
    configuration.hiddenLayers = layers
    configuration.learningRate = lr
    configuration.logZLearningRate = lrLogZ
    configuration.epsilon = behaviour == "uniform" ? 1 : epsilon
    configuration.temperature = temperature
    configuration.uniformBackward = uniformPB
    configuration.seed = seed
    let grid = try HyperGrid(ndim: ndim, height: height)
    var trainer = try Trainer(environment: grid, configuration: configuration, isMode: { [grid] in grid.isMode($0) })
    let start = Date()
    var nextReport = 0.0
    while trainer.trajectoriesSeen < trajectories {
      let loss = trainer.step()
      let elapsed = Date().timeIntervalSince(start)
      if elapsed >= nextReport || trainer.trajectoriesSeen >= trajectories {
        let line = String(
          format: "trajectories %d/%d  loss %.4f  log Z %.4f  modes %d  %.1fs\n", trainer.trajectoriesSeen,
          trajectories,
          loss, trainer.estimatedLogZ(), trainer.modesFound.count, elapsed)
        FileHandle.standardError.write(Data(line.utf8))
        nextReport = elapsed + 1
      }
    }
    let seconds = Date().timeIntervalSince(start)
    let evaluation = ExactEvaluation(environment: grid, policy: &trainer.policy)
    let modesTotal = evaluation.states.filter { grid.isMode($0) }.count
    let logZ = trainer.estimatedLogZ()
    if json {
      let fields = [
        "\"l1\":\(evaluation.l1)", "\"log_z\":\(logZ)", "\"log_z_true\":\(evaluation.logZ)",
        "\"modes_found\":\(trainer.modesFound.count)", "\"modes_total\":\(modesTotal)",
        "\"trajectories\":\(trainer.trajectoriesSeen)", "\"seconds\":\(seconds)",
      ]
      print("{" + fields.joined(separator: ",") + "}")
    } else {
      print(
        String(
          format: "L1 %.5f  log Z %.4f (true %.4f)  modes %d/%d  %d trajectories in %.2fs",
          evaluation.l1, logZ, evaluation.logZ, trainer.modesFound.count, modesTotal, trainer.trajectoriesSeen, seconds)
      )
    }
  }
}
