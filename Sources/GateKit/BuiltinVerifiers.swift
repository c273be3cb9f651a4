import GateCore
import VerifierBoundaries
import VerifierCAS
import VerifierCommand
import VerifierDeterminism
import VerifierHealth
import VerifierLedger
import VerifierMigrations
import VerifierTenantIsolation
import VerifierSecrets

/// The one hand-kept list of built-in verifiers. Adding a verifier means adding its module to
/// Package.swift and one line here; nothing else refers to verifiers by type.
public enum BuiltinVerifiers {
    public static let all: [any Verifier.Type] = [
        CommandVerifier.self,
        BoundariesVerifier.self,
        CASVerifier.self,
        DeterminismVerifier.self,
        HealthVerifier.self,
        MigrationsVerifier.self,
        TenantIsolationVerifier.self,
        SecretsVerifier.self,
        LedgerVerifier.self,
    ]

    public static let registry = VerifierRegistry(all)
}
