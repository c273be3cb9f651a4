import GateCore

extension LedgerVerifier {
    public static let descriptor = VerifierDescriptor(
        id: "ledger",
        summary: "Verifies a hash-chained ledger (receipts, audit logs): record hashes, chain links, sequence, time, checkpoints, Merkle roots.",
        discussion: """
            Each record must hash to the hash stored with it: hash = H(canonical(record without its hash members)), by \
            default RFC 8785 (JCS) and SHA-256 in hex. Each record must link to the one before it: chain = H(previous \
            chain ‖ hash), starting from the genesis value; 'prev-field' pointers must point back, sequence numbers \
            must step by one, and timestamps must not go back by more than 'max-skew'. The first broken record is \
            reported with its line, sequence number and id, what was expected and found, and its likely cause: \
            edited (its own hash is wrong), removed or inserted (the chain breaks but each record hashes fine), \
            reordered, or an encoding difference (the record hashes correctly under another canonical form, which \
            the finding names). Records after the first break are counted, not each reported.

            A chain that was rebuilt after an edit is self-consistent, so no chain check alone can catch it: pin \
            the ledger with a checkpoint ('gate ledger checkpoint' writes it), or compare its RFC 6962 Merkle root \
            with one published elsewhere. With a checkpoint, later runs seek to the pinned record, check it is \
            unchanged, and verify only what was appended; a ledger cut below the checkpoint (a restored backup \
            that lost records) fails. 'compare' holds a restored copy to the live ledger for restore drills.

            Bad lines (invalid JSON, duplicate keys, bytes that are not UTF-8, numbers beyond a double) are \
            findings, never crashes; files are streamed in 4 MiB chunks on every core, so memory stays flat for a \
            file of any size. See docs/ledger.md for the receipts case from start to end.
            """,
        parameters: [
            ParameterSpec("source", .pathList, "JSON Lines files or globs, read in the order given (a glob's files in natural order: log.2 before log.10)."),
            ParameterSpec("database", .any,
                          "A SQLite file, a postgres:// URL or {url-env: NAME} holding the ledger as a table (instead of 'source'); see docs/database.md."),
            ParameterSpec("table", .string, "The table with the records (with 'database'). Each row is a record: its columns as a JSON object."),
            ParameterSpec("order-by", .string, "The column that orders the rows (default: the sequence field, else rowid)."),
            ParameterSpec("statement-timeout", .duration, default: "1h", "How long reading the table may take."),
            ParameterSpec("json-column", .string, "A column holding each record's JSON text; the hash, chain, sequence and timestamp may then be columns of their own."),
            ParameterSpec("hash-field", .string, default: "hash", "The member holding the record's hash; '' or null when records store none."),
            ParameterSpec("chain-field", .string, default: "chain_hash", "The member holding the chain hash; '' or null when there is no chain."),
            ParameterSpec("prev-field", .string, "A member holding the previous record's chain hash (or record hash, see 'prev-points-to')."),
            ParameterSpec("prev-points-to", .oneOf(["chain", "hash"]), default: "chain", "What 'prev-field' repeats of the record before."),
            ParameterSpec("sequence-field", .string, "A member holding a sequence number that must step by exactly one."),
            ParameterSpec("first-sequence", .int, "The sequence number the first record must have."),
            ParameterSpec("timestamp-field", .string, "A member holding the record's time (RFC 3339 text or a number); it must never go back."),
            ParameterSpec("timestamp-unit", .oneOf(["s", "ms", "us", "ns"]), default: "s", "The unit of numeric timestamps."),
            ParameterSpec("max-skew", .duration, default: "0s", "How far a timestamp may go back (writers on several hosts)."),
            ParameterSpec("id-field", .string, "A member that names a record in findings (a receipt id)."),
            ParameterSpec("exclude-fields", .stringList, "More members left out of the record hash (signatures)."),
            ParameterSpec("hash-fields-as", .oneOf(HashFieldsMode.allCases.map(\.rawValue)), default: "omit",
                          "How the hashed form holds the hash members: left out, set to null, or set to the string \"undefined\" (an Erlang atom through jiffy)."),
            ParameterSpec("canonical", .oneOf(CanonicalForm.allCases.map(\.rawValue)), default: "jcs",
                          "jcs (RFC 8785), sorted (sorted keys, values as written), compact (written order), bytes (the line as written, hash members cut out)."),
            ParameterSpec("algorithm", .string, default: "sha256", "sha256, sha512 or xxh3-128 (BLAKE3 is not available: no library of it is installed)."),
            ParameterSpec("encoding", .oneOf(DigestText.Encoding.allCases.map(\.rawValue)), default: "hex", "How digests are written."),
            ParameterSpec("prefix", .string, "Written before every digest, e.g. \"sha256:\" (quoted in YAML, or it reads as a map)."),
            ParameterSpec("chain-input", .oneOf(ChainRules.Input.allCases.map(\.rawValue)), default: "bytes",
                          "What the chain hashes: the digests' bytes, or their text as written."),
            ParameterSpec("chain-separator", .string, "Text between the previous chain value and the record hash (quote it in YAML: \"|\")."),
            ParameterSpec("chain-over", .oneOf(ChainRules.Over.allCases.map(\.rawValue)), default: "hash",
                          "hash: chain = H(prev ‖ hash); record: chain = H(prev ‖ canonical record), for logs with one hash per line."),
            ParameterSpec("genesis", .string, default: "zeros", "The value before the first record: zeros (a digest of zero bytes), empty, or a value."),
            ParameterSpec("checkpoint", .path, "A checkpoint file: verify only records after the pinned one, which must be unchanged."),
            ParameterSpec("full", .bool, default: "false", "Verify every record even with a checkpoint (the pin is still checked)."),
            ParameterSpec("merkle-root", .string, "A published RFC 6962 root (hex or base64), or a JSON file with 'tree_size' and 'root_hash'."),
            ParameterSpec("merkle-size", .int, "The number of records 'merkle-root' covers (default: all)."),
            ParameterSpec("inclusion-proofs", .pathList, "JSON files with RFC 6962 audit paths ('leaf_index', 'tree_size', 'root_hash', 'audit_path')."),
            ParameterSpec("consistency-proofs", .pathList, "JSON files with consistency proofs ('first_size', 'second_size', 'first_root', 'second_root', 'consistency')."),
            ParameterSpec("compare", .pathList, "A restored copy (JSON Lines) to hold to the live ledger up to its last record."),
            ParameterSpec("max-record-bytes", .int, default: "16777216", range: 1024...(1 << 30), "Longer lines are skipped unread and reported."),
            ParameterSpec("threads", .int, default: "cores", range: 1...256, "Worker threads."),
        ],
        rules: [
            RuleDescriptor("ledger/invalid-record", "A line that is not a record gate can check: invalid JSON or UTF-8, a duplicate key, a missing or malformed hash.",
                           help: "Restore the line from a backup; if the settings are wrong, fix them."),
            RuleDescriptor("ledger/record-hash", "A record does not hash to its stored hash: edited, or written in another canonical form (the finding says which).",
                           help: "Restore the record; for an encoding difference set 'canonical' to the form that matches."),
            RuleDescriptor("ledger/chain-break", "A record does not link to the one before it (or to the genesis): removed, inserted or reordered records.",
                           help: "Restore from a backup taken before the break; compare with it using 'compare'."),
            RuleDescriptor("ledger/sequence", "Sequence numbers with a gap, a repeat or a step back.",
                           help: "Restore the missing or duplicated records."),
            RuleDescriptor("ledger/timestamp", "A timestamp earlier than the one before it by more than 'max-skew'.",
                           help: "Check the record order and the writer's clock."),
            RuleDescriptor("ledger/checkpoint", "The pinned record changed, the ledger was cut below the checkpoint, or no checkpoint exists yet (a warning).",
                           help: "Restore the lost records; write a first checkpoint with 'gate ledger checkpoint'."),
            RuleDescriptor("ledger/merkle-root", "The ledger's RFC 6962 root differs from the published root.",
                           help: "Find the differing records with inclusion proofs or 'compare'."),
            RuleDescriptor("ledger/inclusion-proof", "An inclusion proof does not verify against the ledger."),
            RuleDescriptor("ledger/consistency-proof", "A consistency proof does not verify against the ledger."),
            RuleDescriptor("ledger/backup-mismatch", "A restored copy differs from the live ledger, or is itself broken.",
                           help: "Take a new backup and rehearse the restore again."),
            RuleDescriptor("ledger/number-precision", "A number RFC 8785 cannot keep as written (beyond double precision); a warning.",
                           severity: .warning, help: "Store such values as strings."),
        ],
        examples: LedgerExamples.all)
}
