/// The secrets engine's targets join here once the secrets verifier is part of gate.
enum SecretsTargets {
    static let all: [FuzzTarget] = []
}
