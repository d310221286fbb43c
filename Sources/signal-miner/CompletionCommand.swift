import ArgumentParser

/// `signal-miner completion bash|zsh|fish`: the shell completion script, e.g.
/// `signal-miner completion bash > /etc/bash_completion.d/signal-miner`.
struct CompletionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "completion", abstract: "Print the completion script for a shell (bash, zsh or fish).")

  @Argument(help: "bash, zsh or fish.") var shell: String

  func run() throws {
    guard let kind = CompletionShell(rawValue: shell) else {
      throw ValidationError("shell \(shell): expected bash, zsh or fish")
    }
    print(SignalMiner.completionScript(for: kind))
  }
}
