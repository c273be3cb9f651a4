// Generated from default-rules.toml, which is the file to edit. Regenerate this file with
// `GATE_RECORD=1 swift test --filter DefaultRulesetTests`; a test fails while the two differ.
// The ruleset is compiled into the binary as a string (not a SwiftPM resource) so that the installed
// `gate` is one self-contained file: resource bundles must sit beside the executable at run time.

/// The built-in ruleset's TOML text.
enum DefaultRules {
    static let toml = ##"""
# gate's built-in secrets ruleset.
#
# The schema is gitleaks' (id, description, regex, secretGroup, entropy, keywords, path, allowlists) plus
# gate's optional keys:
#   severity        error | warning | note (default error)
#   confidence      high | medium | low; when two findings overlap, the more confident one is kept
#   validate        crc32-base62 (GitHub and npm checksums) | jwt-header (the header is JSON with "alg")
#   filters         assignment (value checks for free-form `name = value` secrets)
#   window          bytes around a keyword hit that the regex sees (default 512, clipped to the line)
#   multiline       true lets the window cross line ends
#   allowHex        true keeps secrets made only of hex digits (otherwise dropped as digests)
#   examples        text that must produce a finding of this rule
#   counterexamples text that must not
#   aliases         gitleaks' ids for the same rule, so disabledRules and overrides keep working
#
# Examples are templates, expanded at test time so that no realistic token is ever committed:
#   {r:CLASS:N}  N random characters of CLASS: A (A-Z), a (a-z), 9 (0-9), h (0-9a-f), H (0-9A-F),
#                62 (base62), 64 (base64), u (base64url), 32 (A-Z2-7), a9 (a-z0-9), A9 (A-Z0-9),
#                bech (the upper-case bech32 alphabet)
#   {crc:N}      the base62 CRC32 of the N characters before it; {badcrc:N} a wrong one
#   {jwt}        a JWT with a JSON header; {jwt-noalg} one whose header has no "alg"
#   {pem:LABEL}  a PEM block with a random body; {pem1:LABEL} the same on one line with \n escapes
#   {nl}         a line break
#
# Boundaries: a token ends where the next character is not a token character, so each regex states
# its own token alphabet in a look-ahead (and a look-behind for the start) instead of a fixed list of
# terminators. Tokens inside XML text, or followed by `,`, `)` or `&`, are found.

title = "gate built-in secrets rules"

# ---------------------------------------------------------------- AWS

[[rules]]
id = "aws-access-key-id"
description = "AWS access key id"
regex = '''(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])'''
keywords = ["akia", "asia", "abia", "acca"]
confidence = "high"
entropy = 3.0
aliases = ["aws-access-token"]
help = "Deactivate the key in IAM, rotate it, and load credentials from the environment or a role instead."
examples = [
  "aws_access_key_id = AKIA{r:32:16}",
  "<AccessKeyId>ASIA{r:32:16}</AccessKeyId>",
  "keys=[AKIA{r:32:16}, other]",
  "https://s3.example.invalid/?AWSAccessKeyId=AKIA{r:32:16}&Expires=1",
]
counterexamples = [
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
  "aws_access_key_id = AKIA{r:32:15}",
  "id = XAKIA{r:32:16}",
  "id = AKIA{r:32:16}Z",
]

[[rules]]
id = "aws-secret-access-key"
description = "AWS secret access key, next to its key id or its name"
regex = '''(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])'''
keywords = ["akia", "asia", "aws_secret_access_key", "secret_access_key", "secretaccesskey", "aws_secret_key"]
multiline = true
window = 768
entropy = 4.0
filters = ["mixed"]
confidence = "high"
help = "Deactivate the key pair in IAM and rotate it."
examples = [
  "aws_access_key_id = AKIA{r:32:16}{nl}aws_secret_access_key = {r:64:40}",
  "<Credentials><AccessKeyId>ASIA{r:32:16}</AccessKeyId><SecretAccessKey>{r:64:40}</SecretAccessKey></Credentials>",
  "aws_secret_access_key = {r:64:40}",
]
counterexamples = [
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE{nl}aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "aws_access_key_id = AKIA{r:32:16}{nl}commit = {r:h:40}",
  "aws_access_key_id = AKIA{r:32:16}{nl}path = aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd",
]

# ---------------------------------------------------------------- GitHub (checksummed)

[[rules]]
id = "github-pat"
description = "GitHub personal access token (classic)"
regex = '''(?<![A-Za-z0-9_])(ghp_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["ghp_"]
validate = ["crc32-base62"]
confidence = "high"
help = "Revoke the token in GitHub's developer settings and create a new one."
examples = [
  "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}",
  "<token>ghp_{r:62:30}{crc:30}</token>",
  "login(ghp_{r:62:30}{crc:30})",
  "?a=1&t=ghp_{r:62:30}{crc:30}&b=2",
  "tokens: [ghp_{r:62:30}{crc:30}, ghp_{r:62:30}{crc:30}]",
]
counterexamples = [
  "GITHUB_TOKEN=ghp_{r:62:30}{badcrc:30}",
  "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
  "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}{r:62:3}",
  "GITHUB_TOKEN=${GITHUB_TOKEN}",
]

[[rules]]
id = "github-oauth"
description = "GitHub OAuth access token"
regex = '''(?<![A-Za-z0-9_])(gho_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["gho_"]
validate = ["crc32-base62"]
confidence = "high"
examples = ['"access_token": "gho_{r:62:30}{crc:30}"']
counterexamples = ['"access_token": "gho_{r:62:30}{badcrc:30}"']

[[rules]]
id = "github-app-token"
description = "GitHub App user-to-server or server-to-server token"
regex = '''(?<![A-Za-z0-9_])(gh[us]_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["ghu_", "ghs_"]
validate = ["crc32-base62"]
confidence = "high"
examples = ["token: ghs_{r:62:30}{crc:30}", "token: ghu_{r:62:30}{crc:30}"]
counterexamples = ["token: ghs_{r:62:30}{badcrc:30}"]

[[rules]]
id = "github-refresh-token"
description = "GitHub refresh token"
regex = '''(?<![A-Za-z0-9_])(ghr_[A-Za-z0-9]{36,76})(?![A-Za-z0-9_])'''
keywords = ["ghr_"]
validate = ["crc32-base62"]
confidence = "high"
examples = ["refresh_token=ghr_{r:62:30}{crc:30}"]
counterexamples = ["refresh_token=ghr_{r:62:30}{badcrc:30}"]

[[rules]]
id = "github-fine-grained-pat"
description = "GitHub fine-grained personal access token"
regex = '''(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])'''
keywords = ["github_pat_"]
validate = ["crc32-base62"]
confidence = "high"
help = "Revoke the token in GitHub's developer settings and create a new one."
examples = ["GH_TOKEN='github_pat_{r:62:22}_{r:62:53}{crc:53}'"]
counterexamples = ["GH_TOKEN='github_pat_{r:62:22}_{r:62:53}{badcrc:53}'"]

# ---------------------------------------------------------------- GitLab

[[rules]]
id = "gitlab-pat"
description = "GitLab personal, project or group access token"
regex = '''(?<![A-Za-z0-9_\-])(glpat-[A-Za-z0-9_\-]{20,64}(?:\.[A-Za-z0-9_\-]{2,16}){0,2})(?![A-Za-z0-9_\-])'''
keywords = ["glpat-"]
confidence = "high"
entropy = 3.0
help = "Revoke the token in GitLab's access token settings and create a new one."
examples = ["CI_TOKEN=glpat-{r:u:20}", "<value>glpat-{r:62:20}</value>"]
counterexamples = ["CI_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx", "CI_TOKEN=glpat-<your-token-here>"]

[[rules]]
id = "gitlab-pipeline-trigger-token"
description = "GitLab pipeline trigger token"
regex = '''(?<![A-Za-z0-9_\-])(glptt-[0-9a-f]{40})(?![A-Za-z0-9_\-])'''
keywords = ["glptt-"]
confidence = "high"
examples = ["curl -F token=glptt-{r:h:40} -F ref=main"]
counterexamples = ["token=glptt-{r:h:39}"]

[[rules]]
id = "gitlab-runner-registration-token"
description = "GitLab runner registration token"
regex = '''(?<![A-Za-z0-9_\-])(GR1348941[A-Za-z0-9_\-]{20})(?![A-Za-z0-9_\-])'''
keywords = ["gr1348941"]
confidence = "high"
entropy = 3.0
examples = ["registration-token: GR1348941{r:62:20}"]
counterexamples = ["registration-token: GR1348941xxxxxxxxxxxxxxxxxxxx"]

[[rules]]
id = "gitlab-runner-auth-token"
description = "GitLab runner authentication token"
regex = '''(?<![A-Za-z0-9_\-])(glrt-[A-Za-z0-9_\-]{20,64})(?![A-Za-z0-9_\-])'''
keywords = ["glrt-"]
confidence = "high"
entropy = 3.0
examples = ['token = "glrt-{r:62:20}"']
counterexamples = ['token = "glrt-REPLACE_WITH_TOKEN"']

[[rules]]
id = "gitlab-deploy-token"
description = "GitLab deploy token"
regex = '''(?<![A-Za-z0-9_\-])(gldt-[A-Za-z0-9_\-]{20,64})(?![A-Za-z0-9_\-])'''
keywords = ["gldt-"]
confidence = "high"
entropy = 3.0
examples = ["DEPLOY_TOKEN=gldt-{r:62:20}"]
counterexamples = ["DEPLOY_TOKEN=gldt-{r:62:12}"]

[[rules]]
id = "gitlab-feed-token"
description = "GitLab feed token"
regex = '''(?<![A-Za-z0-9_\-])(glft-[A-Za-z0-9_\-]{20})(?![A-Za-z0-9_\-])'''
keywords = ["glft-"]
confidence = "high"
entropy = 3.0
examples = ["https://gitlab.example.invalid/dashboard/issues.atom?feed_token=glft-{r:62:20}&state=opened"]
counterexamples = ["feed_token=glft-{r:62:19}"]

[[rules]]
id = "gitlab-oauth-app-secret"
description = "GitLab OAuth application secret"
regex = '''(?<![A-Za-z0-9_\-])(gloas-[A-Za-z0-9_\-]{64})(?![A-Za-z0-9_\-])'''
keywords = ["gloas-"]
confidence = "high"
examples = ["client_secret: gloas-{r:62:64}"]
counterexamples = ["client_secret: gloas-{r:62:32}"]

[[rules]]
id = "gitlab-kubernetes-agent-token"
description = "GitLab agent for Kubernetes token"
regex = '''(?<![A-Za-z0-9_\-])(glagent-[A-Za-z0-9_\-]{50})(?![A-Za-z0-9_\-])'''
keywords = ["glagent-"]
confidence = "high"
examples = ["--set config.token=glagent-{r:62:50}"]
counterexamples = ["--set config.token=glagent-{r:62:49}"]

[[rules]]
id = "gitlab-scim-token"
description = "GitLab SCIM token"
regex = '''(?<![A-Za-z0-9_\-])(glsoat-[A-Za-z0-9_\-]{20})(?![A-Za-z0-9_\-])'''
keywords = ["glsoat-"]
confidence = "high"
examples = ["scim_token = glsoat-{r:62:20}"]
counterexamples = ["scim_token = glsoat-{r:62:10}"]

[[rules]]
id = "gitlab-cicd-job-token"
description = "GitLab CI/CD job token"
regex = '''(?<![A-Za-z0-9_\-])(glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_\-]{20})(?![A-Za-z0-9_\-])'''
keywords = ["glcbt-"]
confidence = "high"
examples = ["JOB_TOKEN=glcbt-{r:62:2}_{r:62:20}"]
counterexamples = ["JOB_TOKEN=glcbt-{r:62:20}"]

[[rules]]
id = "gitlab-incoming-mail-token"
description = "GitLab incoming mail token"
regex = '''(?<![A-Za-z0-9_\-])(glimt-[0-9a-zA-Z_\-]{25})(?![A-Za-z0-9_\-])'''
keywords = ["glimt-"]
confidence = "high"
examples = ["GITLAB_INCOMING_EMAIL_TOKEN=glimt-{r:62:25}"]
counterexamples = ["glimt-{r:62:24}"]

# ---------------------------------------------------------------- Slack

[[rules]]
id = "slack-bot-token"
description = "Slack bot token"
regex = '''(?<![A-Za-z0-9_\-])(xoxb-[0-9]{10,13}-(?:[0-9]{10,13}-)?[A-Za-z0-9]{24,34})(?![A-Za-z0-9_\-])'''
keywords = ["xoxb-"]
confidence = "high"
entropy = 3.0
help = "Revoke the token in the Slack app's OAuth settings and reinstall the app to get a new one."
examples = ["SLACK_BOT_TOKEN=xoxb-{r:9:12}-{r:9:13}-{r:62:24}", "<slack token=\"xoxb-{r:9:12}-{r:9:13}-{r:62:24}\"/>"]
counterexamples = ["SLACK_BOT_TOKEN=xoxb-{r:9:12}-{r:9:13}-xxxxxxxxxxxxxxxxxxxxxxxx", "SLACK_BOT_TOKEN=xoxb-your-token"]

[[rules]]
id = "slack-user-token"
description = "Slack user token"
regex = '''(?<![A-Za-z0-9_\-])(xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9]{28,34})(?![A-Za-z0-9_\-])'''
keywords = ["xoxp-", "xoxe-"]
confidence = "high"
entropy = 3.0
examples = ["token: xoxp-{r:9:12}-{r:9:12}-{r:9:13}-{r:h:32}"]
counterexamples = ["token: xoxp-{r:9:12}-{r:9:12}-{r:9:13}"]

[[rules]]
id = "slack-app-token"
description = "Slack app-level token"
regex = '''(?<![A-Za-z0-9_\-])(xapp-[0-9]-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-f0-9]{64})(?![A-Za-z0-9_\-])'''
keywords = ["xapp-"]
confidence = "high"
examples = ["SLACK_APP_TOKEN=xapp-1-A{r:A9:10}-{r:9:13}-{r:h:64}"]
counterexamples = ["SLACK_APP_TOKEN=xapp-1-A{r:A9:10}-{r:9:13}-{r:h:32}"]

[[rules]]
id = "slack-config-access-token"
description = "Slack configuration access token"
regex = '''(?<![A-Za-z0-9_\-])(xoxe\.xox[bp]-[0-9]-[A-Z0-9]{163,166})(?![A-Za-z0-9_\-])'''
keywords = ["xoxe.xox"]
confidence = "high"
examples = ["SLACK_CONFIG_TOKEN=xoxe.xoxp-1-{r:A9:164}"]
counterexamples = ["SLACK_CONFIG_TOKEN=xoxe.xoxp-1-{r:A9:100}"]

[[rules]]
id = "slack-config-refresh-token"
description = "Slack configuration refresh token"
regex = '''(?<![A-Za-z0-9_\-.])(xoxe-[0-9]-[A-Z0-9]{146})(?![A-Za-z0-9_\-])'''
keywords = ["xoxe-"]
confidence = "high"
examples = ["SLACK_REFRESH=xoxe-1-{r:A9:146}"]
counterexamples = ["SLACK_REFRESH=xoxe-1-{r:A9:140}"]

[[rules]]
id = "slack-webhook-url"
description = "Slack incoming webhook URL"
regex = '''(?<![A-Za-z0-9])(hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}|(?:workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[0-9]{6,20}/[A-Za-z0-9]{24,32}))(?![A-Za-z0-9])'''
keywords = ["hooks.slack.com"]
confidence = "high"
entropy = 3.0
help = "Delete the webhook in the Slack app's settings and create a new one."
examples = [
  "SLACK_WEBHOOK=https://hooks.slack.com/services/T{r:A9:10}/B{r:A9:10}/{r:62:24}",
  "<url>https://hooks.slack.com/services/T{r:A9:10}/B{r:A9:10}/{r:62:24}</url>",
]
counterexamples = ["SLACK_WEBHOOK=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"]

# ---------------------------------------------------------------- Stripe

[[rules]]
id = "stripe-secret-key"
description = "Stripe live secret key"
regex = '''(?<![A-Za-z0-9_])(sk_live_[A-Za-z0-9]{24,99})(?![A-Za-z0-9_])'''
keywords = ["sk_live_"]
confidence = "high"
entropy = 3.0
aliases = ["stripe-access-token"]
help = "Roll the key in the Stripe dashboard (Developers → API keys)."
examples = ["STRIPE_SECRET_KEY=sk_live_{r:62:24}", "Stripe.apiKey = \"sk_live_{r:62:99}\";"]
counterexamples = ["STRIPE_PUBLISHABLE_KEY=pk_live_{r:62:24}", "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"]

[[rules]]
id = "stripe-restricted-key"
description = "Stripe live restricted key"
regex = '''(?<![A-Za-z0-9_])(rk_live_[A-Za-z0-9]{24,99})(?![A-Za-z0-9_])'''
keywords = ["rk_live_"]
confidence = "high"
entropy = 3.0
examples = ["stripe: {key: rk_live_{r:62:24}}"]
counterexamples = ["stripe: {key: pk_live_{r:62:24}}"]

[[rules]]
id = "stripe-webhook-secret"
description = "Stripe webhook signing secret"
regex = '''(?<![A-Za-z0-9_])(whsec_[A-Za-z0-9+/]{32,64}={0,2})(?![A-Za-z0-9_+/=])'''
keywords = ["whsec_"]
confidence = "high"
entropy = 3.5
examples = ["STRIPE_WEBHOOK_SECRET=whsec_{r:62:32}"]
counterexamples = ["STRIPE_WEBHOOK_SECRET=whsec_..."]

# ---------------------------------------------------------------- Google

[[rules]]
id = "google-api-key"
description = "Google API key"
regex = '''(?<![A-Za-z0-9_\-])(AIza[0-9A-Za-z_\-]{35})(?![A-Za-z0-9_\-])'''
keywords = ["aiza"]
confidence = "high"
entropy = 3.5
aliases = ["gcp-api-key"]
help = "Delete or restrict the key in the Google Cloud console (APIs & Services → Credentials)."
examples = ["<string name=\"maps_key\">AIza{r:u:35}</string>", "key=AIza{r:u:35}&q=1"]
counterexamples = ["key=AIza{r:u:34}", "key=AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"]

[[rules]]
id = "google-oauth-client-secret"
description = "Google OAuth client secret"
regex = '''(?<![A-Za-z0-9_\-])(GOCSPX-[A-Za-z0-9_\-]{28})(?![A-Za-z0-9_\-])'''
keywords = ["gocspx-"]
confidence = "high"
entropy = 3.0
examples = ['{"web": {"client_secret": "GOCSPX-{r:u:28}"}}']
counterexamples = ['{"web": {"client_secret": "GOCSPX-<secret>"}}']

[[rules]]
id = "gcp-service-account"
description = "Google Cloud service-account key (JSON)"
regex = '''(?|"type"\s*:\s*"service_account"[\s\S]{0,4096}?"private_key"\s*:\s*"(-----BEGIN[A-Z ]{0,20}PRIVATE KEY-----[A-Za-z0-9+/=\\\s]{64,8192}?-----END[A-Z ]{0,20}PRIVATE KEY-----(?:\\n)?)"|"private_key"\s*:\s*"(-----BEGIN[A-Z ]{0,20}PRIVATE KEY-----[A-Za-z0-9+/=\\\s]{64,8192}?-----END[A-Z ]{0,20}PRIVATE KEY-----(?:\\n)?)"[\s\S]{0,4096}?"type"\s*:\s*"service_account")'''
keywords = ["service_account"]
multiline = true
window = 12288
entropy = 4.0
confidence = "high"
help = "Delete the key in IAM (Service accounts → Keys) and use workload identity or a secret manager."
examples = [
  '{"type": "service_account", "project_id": "demo", "private_key_id": "{r:h:40}", "private_key": "{pem1:PRIVATE KEY}", "client_email": "svc@demo.iam.gserviceaccount.com"}',
]
counterexamples = ['{"type": "service_account", "project_id": "demo", "private_key": ""}']

# ---------------------------------------------------------------- Private keys

[[rules]]
id = "private-key"
description = "Private key (PEM, including the one-line \\n-escaped form)"
regex = '''(-----BEGIN[ A-Z0-9]{0,32} PRIVATE KEY(?: BLOCK)?-----(?:\\[rn]|\s)+[A-Za-z0-9+/=\s\\:,.()\-]{64,16384}?-----END[ A-Z0-9]{0,32} PRIVATE KEY(?: BLOCK)?-----)'''
keywords = ["private key-----"]
multiline = true
window = 16384
entropy = 4.0
confidence = "high"
help = "Treat the key as compromised: revoke what it signs or unlocks, generate a new one and keep it out of the repository."
examples = ["{pem:RSA PRIVATE KEY}", "{pem:PRIVATE KEY}", "{pem:OPENSSH PRIVATE KEY}", 'key = "{pem1:EC PRIVATE KEY}"']
counterexamples = [
  "{pem:PUBLIC KEY}",
  "{pem:CERTIFICATE}",
  "-----BEGIN RSA PRIVATE KEY-----{nl}...{nl}-----END RSA PRIVATE KEY-----",
]

[[rules]]
id = "putty-private-key"
description = "PuTTY private key"
regex = '''(PuTTY-User-Key-File-[23]:[\s\S]{16,4096}?Private-Lines: [0-9]+\s+[A-Za-z0-9+/=\s]{40,8192}?)(?:Private-MAC|Private-Hash)'''
keywords = ["putty-user-key-file-"]
multiline = true
window = 12288
entropy = 4.0
confidence = "high"
examples = ["PuTTY-User-Key-File-2: ssh-rsa{nl}Encryption: none{nl}Comment: deploy{nl}Public-Lines: 1{nl}{r:64:64}{nl}Private-Lines: 2{nl}{r:64:64}{nl}{r:64:64}{nl}Private-MAC: {r:h:40}"]
counterexamples = ["PuTTY-User-Key-File-2: ssh-rsa{nl}Public-Lines: 1{nl}{r:64:64}"]

# ---------------------------------------------------------------- Tokens with self-describing shapes

[[rules]]
id = "jwt"
description = "JSON Web Token"
regex = '''(?<![A-Za-z0-9_\-.])(eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})(?![A-Za-z0-9_\-.=])'''
keywords = ["eyj"]
validate = ["jwt-header"]
window = 8192
entropy = 3.5
confidence = "high"
help = "Invalidate the token (rotate the signing key if it does not expire soon) and keep tokens out of the repository."
examples = ["Authorization: Bearer {jwt}", "<session>{jwt}</session>", "fetch(url, {jwt}, opts)"]
counterexamples = [
  "Authorization: Bearer {jwt-noalg}",
  "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
]
[[rules.allowlists]]
description = "the well-known example token from jwt.io"
regexes = ['''SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c''']

[[rules]]
id = "npm-token"
description = "npm access token"
regex = '''(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["npm_"]
validate = ["crc32-base62"]
confidence = "high"
aliases = ["npm-access-token"]
help = "Revoke the token with 'npm token revoke' (or on npmjs.com) and create a new one."
examples = ["//registry.npmjs.org/:_authToken=npm_{r:62:30}{crc:30}"]
counterexamples = ["//registry.npmjs.org/:_authToken=npm_{r:62:30}{badcrc:30}", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}"]

[[rules]]
id = "pypi-token"
description = "PyPI upload token"
regex = '''(?<![A-Za-z0-9_\-])(pypi-AgE[A-Za-z0-9_\-]{70,})(?![A-Za-z0-9_\-])'''
keywords = ["pypi-age"]
confidence = "high"
entropy = 3.5
aliases = ["pypi-upload-token"]
examples = ["password = pypi-AgEIcHlwaS5vcmc{r:u:120}"]
counterexamples = ["every upload token starts with pypi-AgEIcHlwaS5vcmc"]

[[rules]]
id = "sendgrid-api-key"
description = "SendGrid API key"
regex = '''(?<![A-Za-z0-9_\-.])(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?![A-Za-z0-9_\-.])'''
keywords = ["sg."]
confidence = "high"
entropy = 3.5
aliases = ["sendgrid-api-token"]
examples = ["SENDGRID_API_KEY=SG.{r:u:22}.{r:u:43}"]
counterexamples = ["SENDGRID_API_KEY=SG.{r:u:22}"]

[[rules]]
id = "twilio-api-key"
description = "Twilio API key"
regex = '''(?<![A-Za-z0-9])(SK[0-9a-fA-F]{32})(?![A-Za-z0-9])'''
keywords = ["sk"]
confidence = "medium"
entropy = 3.0
examples = ["TWILIO_API_KEY=SK{r:h:32}"]
counterexamples = ["TWILIO_API_KEY=SK{r:h:31}", "TASK{r:h:32}"]

[[rules]]
id = "twilio-auth-token"
description = "Twilio auth token"
regex = '''(?i)twilio[A-Za-z0-9_.\-]{0,30}(?:auth|token|secret)[A-Za-z0-9_.\-]{0,20}["']?\s{0,4}(?::=|=>|=|:)\s{0,4}["']?([a-f0-9]{32})(?![A-Za-z0-9])'''
keywords = ["twilio"]
allowHex = true
confidence = "medium"
entropy = 3.0
examples = ["TWILIO_AUTH_TOKEN={r:h:32}"]
counterexamples = ["TWILIO_AUTH_TOKEN={r:h:31}", "TWILIO_ACCOUNT_SID=AC{r:h:32}"]

[[rules]]
id = "openai-api-key"
description = "OpenAI API key"
regex = '''(?<![A-Za-z0-9_\-])(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{20,200}T3BlbkFJ[A-Za-z0-9_\-]{20,200})(?![A-Za-z0-9_\-])'''
keywords = ["t3blbkfj"]
confidence = "high"
entropy = 3.5
examples = ["OPENAI_API_KEY=sk-proj-{r:u:74}T3BlbkFJ{r:u:74}", "OPENAI_API_KEY=sk-{r:62:20}T3BlbkFJ{r:62:20}"]
counterexamples = ["OPENAI_API_KEY=sk-proj-...", "OPENAI_API_KEY=sk-{r:62:48}"]

[[rules]]
id = "anthropic-api-key"
description = "Anthropic API key"
regex = '''(?<![A-Za-z0-9_\-])(sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_\-]{80,120})(?![A-Za-z0-9_\-])'''
keywords = ["sk-ant-"]
confidence = "high"
entropy = 3.5
examples = ["ANTHROPIC_API_KEY=sk-ant-api03-{r:u:93}AA", "{\"key\": \"sk-ant-admin01-{r:u:93}AA\"}"]
counterexamples = ["ANTHROPIC_API_KEY=sk-ant-api03-...", "ANTHROPIC_API_KEY=sk-ant-api03-{r:u:40}"]

[[rules]]
id = "azure-storage-account-key"
description = "Azure storage account key"
regex = '''(?i)(?:accountkey|azure[a-z0-9_.\-]{0,30}key|storage[a-z0-9_.\-]{0,30}key)["']?\s{0,4}(?:=|:|=>)\s{0,4}["']?([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])'''
keywords = ["accountkey", "azure", "storage"]
confidence = "high"
entropy = 4.0
help = "Rotate the key in the storage account's access keys and prefer managed identities or SAS with short expiry."
examples = [
  "DefaultEndpointsProtocol=https;AccountName=demo;AccountKey={r:64:86}==;EndpointSuffix=core.windows.net",
  "AZURE_STORAGE_KEY={r:64:86}==",
]
counterexamples = ["DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=<key>;EndpointSuffix=core.windows.net"]

[[rules]]
id = "azure-ad-client-secret"
description = "Azure AD (Entra ID) client secret"
regex = '''(?<![A-Za-z0-9_~.\-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])'''
keywords = ["q~"]
confidence = "high"
entropy = 3.0
examples = ["AZURE_CLIENT_SECRET={r:62:3}8Q~{r:62:34}"]
counterexamples = ["AZURE_CLIENT_SECRET={r:62:3}8Q~{r:62:20}"]

# ---------------------------------------------------------------- Hosting, infrastructure, AI

[[rules]]
id = "shopify-access-token"
description = "Shopify access token"
regex = '''(?<![A-Za-z0-9_])(shp(?:at|ca|pa)_[a-fA-F0-9]{32})(?![A-Za-z0-9_])'''
keywords = ["shpat_", "shpca_", "shppa_"]
confidence = "high"
examples = ["SHOPIFY_TOKEN=shpat_{r:h:32}", "X-Shopify-Access-Token: shpca_{r:h:32}"]
counterexamples = ["SHOPIFY_TOKEN=shpat_{r:h:31}"]

[[rules]]
id = "shopify-shared-secret"
description = "Shopify shared secret"
regex = '''(?<![A-Za-z0-9_])(shpss_[a-fA-F0-9]{32})(?![A-Za-z0-9_])'''
keywords = ["shpss_"]
confidence = "high"
examples = ["SHOPIFY_SECRET=shpss_{r:h:32}"]
counterexamples = ["SHOPIFY_SECRET=shpss_{r:h:16}"]

[[rules]]
id = "digitalocean-pat"
description = "DigitalOcean personal access token"
regex = '''(?<![A-Za-z0-9_])(dop_v1_[a-f0-9]{64})(?![A-Za-z0-9_])'''
keywords = ["dop_v1_"]
confidence = "high"
examples = ["DIGITALOCEAN_TOKEN=dop_v1_{r:h:64}"]
counterexamples = ["DIGITALOCEAN_TOKEN=dop_v1_{r:h:63}"]

[[rules]]
id = "digitalocean-oauth-token"
description = "DigitalOcean OAuth access or refresh token"
regex = '''(?<![A-Za-z0-9_])(do[or]_v1_[a-f0-9]{64})(?![A-Za-z0-9_])'''
keywords = ["doo_v1_", "dor_v1_"]
confidence = "high"
examples = ["token: doo_v1_{r:h:64}", "refresh: dor_v1_{r:h:64}"]
counterexamples = ["token: doo_v1_{r:h:60}"]

[[rules]]
id = "huggingface-token"
description = "Hugging Face access token"
regex = '''(?<![A-Za-z0-9_])(hf_[A-Za-z]{34})(?![A-Za-z0-9_])'''
keywords = ["hf_"]
confidence = "high"
entropy = 3.5
aliases = ["huggingface-access-token"]
examples = ["HF_TOKEN=hf_{r:aA:34}"]
counterexamples = ["from huggingface_hub import hf_hub_download", "HF_TOKEN=hf_{r:aA:33}"]

[[rules]]
id = "huggingface-org-token"
description = "Hugging Face organization API token"
regex = '''(?<![A-Za-z0-9_])(api_org_[A-Za-z]{34})(?![A-Za-z0-9_])'''
keywords = ["api_org_"]
confidence = "high"
entropy = 3.5
aliases = ["huggingface-organization-api-token"]
examples = ["token = api_org_{r:aA:34}"]
counterexamples = ["token = api_org_{r:aA:20}"]

[[rules]]
id = "vault-service-token"
description = "HashiCorp Vault service token"
regex = '''(?<![A-Za-z0-9_.\-])(hvs\.[A-Za-z0-9_\-]{90,120})(?![A-Za-z0-9_\-])'''
keywords = ["hvs."]
confidence = "high"
entropy = 3.5
examples = ["VAULT_TOKEN=hvs.{r:u:95}"]
counterexamples = ["VAULT_TOKEN=hvs.{r:u:24}"]

[[rules]]
id = "vault-batch-token"
description = "HashiCorp Vault batch token"
regex = '''(?<![A-Za-z0-9_.\-])(hvb\.[A-Za-z0-9_\-]{138,300})(?![A-Za-z0-9_\-])'''
keywords = ["hvb."]
confidence = "high"
entropy = 3.5
examples = ["VAULT_TOKEN=hvb.{r:u:150}"]
counterexamples = ["VAULT_TOKEN=hvb.{r:u:100}"]

[[rules]]
id = "terraform-cloud-token"
description = "Terraform Cloud / HCP Terraform API token"
regex = '''(?<![A-Za-z0-9])([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,70})(?![A-Za-z0-9_\-=])'''
keywords = ["atlasv1"]
confidence = "high"
entropy = 3.5
aliases = ["hashicorp-tf-api-token"]
examples = ['credentials "app.terraform.io" { token = "{r:62:14}.atlasv1.{r:62:67}" }']
counterexamples = ['token = "{r:62:14}.atlasv1.{r:62:20}"']

[[rules]]
id = "age-secret-key"
description = "age secret key"
regex = '''(?<![A-Za-z0-9\-])(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Za-z0-9])'''
keywords = ["age-secret-key-1"]
confidence = "high"
entropy = 3.5
examples = ["# created: 2024-01-01{nl}AGE-SECRET-KEY-1{r:bech:58}"]
counterexamples = ["AGE-SECRET-KEY-1{r:bech:40}"]

[[rules]]
id = "databricks-token"
description = "Databricks personal access token"
regex = '''(?<![A-Za-z0-9])(dapi[a-f0-9]{32}(?:-[0-9])?)(?![A-Za-z0-9\-])'''
keywords = ["dapi"]
confidence = "high"
aliases = ["databricks-api-token"]
examples = ["DATABRICKS_TOKEN=dapi{r:h:32}", "token: dapi{r:h:32}-2"]
counterexamples = ["DATABRICKS_TOKEN=dapi{r:h:31}"]

[[rules]]
id = "heroku-api-key"
description = "Heroku API key (HRKU format)"
regex = '''(?<![A-Za-z0-9_\-])(HRKU-AA[0-9A-Za-z_\-]{58})(?![A-Za-z0-9_\-])'''
keywords = ["hrku-"]
confidence = "high"
entropy = 3.5
examples = ["HEROKU_API_KEY=HRKU-AA{r:u:58}"]
counterexamples = ["HEROKU_API_KEY=HRKU-AA{r:u:20}"]

[[rules]]
id = "linear-api-key"
description = "Linear API key"
regex = '''(?<![A-Za-z0-9_])(lin_api_[A-Za-z0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["lin_api_"]
confidence = "high"
entropy = 3.5
examples = ["LINEAR_API_KEY=lin_api_{r:62:40}"]
counterexamples = ["LINEAR_API_KEY=lin_api_{r:62:30}"]

[[rules]]
id = "postman-api-key"
description = "Postman API key"
regex = '''(?<![A-Za-z0-9_\-])(PMAK-[a-f0-9]{24}-[a-f0-9]{34})(?![A-Za-z0-9_\-])'''
keywords = ["pmak-"]
confidence = "high"
examples = ["x-api-key: PMAK-{r:h:24}-{r:h:34}"]
counterexamples = ["x-api-key: PMAK-{r:h:24}"]

[[rules]]
id = "pulumi-access-token"
description = "Pulumi access token"
regex = '''(?<![A-Za-z0-9_\-])(pul-[a-f0-9]{40})(?![A-Za-z0-9_\-])'''
keywords = ["pul-"]
confidence = "high"
aliases = ["pulumi-api-token"]
examples = ["PULUMI_ACCESS_TOKEN=pul-{r:h:40}"]
counterexamples = ["PULUMI_ACCESS_TOKEN=pul-{r:h:20}"]

[[rules]]
id = "doppler-token"
description = "Doppler personal token"
regex = '''(?<![A-Za-z0-9_\-.])(dp\.pt\.[A-Za-z0-9]{43})(?![A-Za-z0-9_\-])'''
keywords = ["dp.pt."]
confidence = "high"
entropy = 3.5
aliases = ["doppler-api-token"]
examples = ["DOPPLER_TOKEN=dp.pt.{r:62:43}"]
counterexamples = ["DOPPLER_TOKEN=dp.pt.{r:62:20}"]

[[rules]]
id = "new-relic-user-key"
description = "New Relic user API key"
regex = '''(?<![A-Za-z0-9_\-])(NRAK-[A-Z0-9]{27})(?![A-Za-z0-9_\-])'''
keywords = ["nrak-"]
confidence = "high"
entropy = 3.0
aliases = ["new-relic-user-api-key"]
examples = ["NEW_RELIC_API_KEY=NRAK-{r:A9:27}"]
counterexamples = ["NEW_RELIC_API_KEY=NRAK-{r:A9:20}"]

[[rules]]
id = "sentry-user-token"
description = "Sentry user auth token"
regex = '''(?<![A-Za-z0-9_])(sntryu_[a-f0-9]{64})(?![A-Za-z0-9_])'''
keywords = ["sntryu_"]
confidence = "high"
examples = ["SENTRY_AUTH_TOKEN=sntryu_{r:h:64}"]
counterexamples = ["SENTRY_AUTH_TOKEN=sntryu_{r:h:32}"]

[[rules]]
id = "sentry-org-token"
description = "Sentry organization auth token"
regex = '''(?<![A-Za-z0-9_])(sntrys_eyJ[A-Za-z0-9+/=]{60,400}_[A-Za-z0-9+/]{43})(?![A-Za-z0-9_+/])'''
keywords = ["sntrys_"]
confidence = "high"
entropy = 3.5
examples = ["SENTRY_AUTH_TOKEN=sntrys_eyJ{r:62:90}_{r:62:43}"]
counterexamples = ["SENTRY_AUTH_TOKEN=sntrys_eyJ{r:62:10}"]

[[rules]]
id = "grafana-service-account-token"
description = "Grafana service account token"
regex = '''(?<![A-Za-z0-9_])(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?![A-Za-z0-9_])'''
keywords = ["glsa_"]
confidence = "high"
entropy = 3.5
examples = ["GRAFANA_TOKEN=glsa_{r:62:32}_{r:h:8}"]
counterexamples = ["GRAFANA_TOKEN=glsa_{r:62:32}"]

[[rules]]
id = "grafana-cloud-token"
description = "Grafana Cloud API token"
regex = '''(?<![A-Za-z0-9_])(glc_[A-Za-z0-9+/]{32,400}={0,2})(?![A-Za-z0-9_+/=])'''
keywords = ["glc_"]
confidence = "high"
entropy = 3.5
aliases = ["grafana-cloud-api-token"]
examples = ["GRAFANA_CLOUD_TOKEN=glc_{r:64:100}=="]
counterexamples = ["GRAFANA_CLOUD_TOKEN=glc_{r:64:20}"]

[[rules]]
id = "atlassian-api-token"
description = "Atlassian API token"
regex = '''(?<![A-Za-z0-9_\-])(ATATT3[A-Za-z0-9_\-=]{186})(?![A-Za-z0-9_\-=])'''
keywords = ["atatt3"]
confidence = "high"
entropy = 3.5
examples = ["JIRA_API_TOKEN=ATATT3{r:u:186}"]
counterexamples = ["JIRA_API_TOKEN=ATATT3{r:u:50}"]

[[rules]]
id = "dynatrace-token"
description = "Dynatrace API token"
regex = '''(?<![A-Za-z0-9_\-.])(dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})(?![A-Za-z0-9_\-.])'''
keywords = ["dt0c01."]
confidence = "high"
entropy = 3.5
aliases = ["dynatrace-api-token"]
examples = ["DT_API_TOKEN=dt0c01.{r:A9:24}.{r:A9:64}"]
counterexamples = ["DT_API_TOKEN=dt0c01.{r:A9:24}"]

[[rules]]
id = "planetscale-token"
description = "PlanetScale token or password"
regex = '''(?<![A-Za-z0-9_\-.])(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_\-.]{32,64})(?![A-Za-z0-9_\-])'''
keywords = ["pscale_"]
confidence = "high"
entropy = 3.5
examples = ["DATABASE_PASSWORD=pscale_pw_{r:u:43}"]
counterexamples = ["DATABASE_PASSWORD=pscale_pw_{r:u:10}"]

[[rules]]
id = "rubygems-api-key"
description = "RubyGems API key"
regex = '''(?<![A-Za-z0-9_])(rubygems_[a-f0-9]{48})(?![A-Za-z0-9_])'''
keywords = ["rubygems_"]
confidence = "high"
aliases = ["rubygems-api-token"]
examples = [":rubygems_api_key: rubygems_{r:h:48}"]
counterexamples = [":rubygems_api_key: rubygems_{r:h:40}"]

[[rules]]
id = "dockerhub-pat"
description = "Docker Hub personal access token"
regex = '''(?<![A-Za-z0-9_])(dckr_pat_[A-Za-z0-9_\-]{27})(?![A-Za-z0-9_\-])'''
keywords = ["dckr_pat_"]
confidence = "high"
entropy = 3.5
examples = ["echo dckr_pat_{r:u:27} | docker login -u ci --password-stdin"]
counterexamples = ["echo dckr_pat_{r:u:20} | docker login"]

[[rules]]
id = "flyio-token"
description = "Fly.io access token"
regex = '''(?<![A-Za-z0-9_])(fo1_[A-Za-z0-9_\-]{43})(?![A-Za-z0-9_\-])'''
keywords = ["fo1_"]
confidence = "high"
entropy = 3.5
aliases = ["flyio-access-token"]
examples = ["FLY_API_TOKEN=fo1_{r:u:43}"]
counterexamples = ["FLY_API_TOKEN=fo1_{r:u:20}"]

[[rules]]
id = "supabase-token"
description = "Supabase access token"
regex = '''(?<![A-Za-z0-9_])(sbp_[a-f0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["sbp_"]
confidence = "high"
examples = ["SUPABASE_ACCESS_TOKEN=sbp_{r:h:40}"]
counterexamples = ["SUPABASE_ACCESS_TOKEN=sbp_{r:h:30}"]

[[rules]]
id = "brevo-api-key"
description = "Brevo (Sendinblue) API key"
regex = '''(?<![A-Za-z0-9_\-])(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})(?![A-Za-z0-9_\-])'''
keywords = ["xkeysib-"]
confidence = "high"
aliases = ["sendinblue-api-token"]
examples = ["BREVO_API_KEY=xkeysib-{r:h:64}-{r:62:16}"]
counterexamples = ["BREVO_API_KEY=xkeysib-{r:h:64}"]

[[rules]]
id = "figma-pat"
description = "Figma personal access token"
regex = '''(?<![A-Za-z0-9_])(figd_[A-Za-z0-9_\-]{40})(?![A-Za-z0-9_\-])'''
keywords = ["figd_"]
confidence = "high"
entropy = 3.5
examples = ["FIGMA_TOKEN=figd_{r:u:40}"]
counterexamples = ["FIGMA_TOKEN=figd_{r:u:20}"]

[[rules]]
id = "notion-token"
description = "Notion integration token"
regex = '''(?<![A-Za-z0-9_])(ntn_[0-9]{11}[A-Za-z0-9]{35})(?![A-Za-z0-9_])'''
keywords = ["ntn_"]
confidence = "high"
entropy = 3.5
examples = ["NOTION_TOKEN=ntn_{r:9:11}{r:62:35}"]
counterexamples = ["NOTION_TOKEN=ntn_{r:9:11}"]

[[rules]]
id = "mapbox-secret-token"
description = "Mapbox secret token"
regex = '''(?<![A-Za-z0-9_\-.])(sk\.eyJ[A-Za-z0-9_\-]{50,}\.[A-Za-z0-9_\-]{20,})(?![A-Za-z0-9_\-.])'''
keywords = ["sk.eyj"]
confidence = "high"
entropy = 3.5
examples = ["MAPBOX_TOKEN=sk.eyJ{r:u:60}.{r:u:22}"]
counterexamples = ["MAPBOX_TOKEN=pk.eyJ{r:u:60}.{r:u:22}"]

[[rules]]
id = "replicate-api-token"
description = "Replicate API token"
regex = '''(?<![A-Za-z0-9_])(r8_[A-Za-z0-9]{37})(?![A-Za-z0-9_])'''
keywords = ["r8_"]
confidence = "high"
entropy = 3.5
examples = ["REPLICATE_API_TOKEN=r8_{r:62:37}"]
counterexamples = ["REPLICATE_API_TOKEN=r8_{r:62:20}"]

[[rules]]
id = "groq-api-key"
description = "Groq API key"
regex = '''(?<![A-Za-z0-9_])(gsk_[A-Za-z0-9]{52})(?![A-Za-z0-9_])'''
keywords = ["gsk_"]
confidence = "high"
entropy = 3.5
examples = ["GROQ_API_KEY=gsk_{r:62:52}"]
counterexamples = ["GROQ_API_KEY=gsk_{r:62:20}"]

[[rules]]
id = "xai-api-key"
description = "xAI API key"
regex = '''(?<![A-Za-z0-9_\-])(xai-[A-Za-z0-9]{80})(?![A-Za-z0-9_\-])'''
keywords = ["xai-"]
confidence = "high"
entropy = 3.5
examples = ["XAI_API_KEY=xai-{r:62:80}"]
counterexamples = ["XAI_API_KEY=xai-{r:62:40}"]

[[rules]]
id = "perplexity-api-key"
description = "Perplexity API key"
regex = '''(?<![A-Za-z0-9_\-])(pplx-[A-Za-z0-9]{48})(?![A-Za-z0-9_\-])'''
keywords = ["pplx-"]
confidence = "high"
entropy = 3.5
examples = ["PPLX_API_KEY=pplx-{r:62:48}"]
counterexamples = ["PPLX_API_KEY=pplx-{r:62:20}"]

[[rules]]
id = "langsmith-api-key"
description = "LangSmith API key"
regex = '''(?<![A-Za-z0-9_])(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})(?![A-Za-z0-9_])'''
keywords = ["lsv2_"]
confidence = "high"
examples = ["LANGSMITH_API_KEY=lsv2_pt_{r:h:32}_{r:h:10}"]
counterexamples = ["LANGSMITH_API_KEY=lsv2_pt_{r:h:32}"]

[[rules]]
id = "mailgun-api-key"
description = "Mailgun API key"
regex = '''(?<![A-Za-z0-9_\-])(key-[0-9a-f]{32})(?![A-Za-z0-9_\-])'''
keywords = ["key-"]
confidence = "medium"
entropy = 3.0
aliases = ["mailgun-private-api-token"]
examples = ["MAILGUN_API_KEY=key-{r:h:32}"]
counterexamples = ["MAILGUN_API_KEY=key-{r:h:31}", "ssh-key-{r:h:32}"]

[[rules]]
id = "mailchimp-api-key"
description = "Mailchimp API key"
regex = '''(?<![A-Za-z0-9])([0-9a-f]{32}-us[0-9]{1,2})(?![A-Za-z0-9])'''
keywords = ["-us"]
confidence = "medium"
entropy = 3.0
examples = ["MAILCHIMP_KEY={r:h:32}-us14"]
counterexamples = ["MAILCHIMP_KEY={r:h:32}-usa"]

[[rules]]
id = "square-access-token"
description = "Square access token"
regex = '''(?<![A-Za-z0-9_\-])(sq0atp-[0-9A-Za-z_\-]{22})(?![A-Za-z0-9_\-])'''
keywords = ["sq0atp-"]
confidence = "high"
entropy = 3.0
examples = ["SQUARE_TOKEN=sq0atp-{r:u:22}"]
counterexamples = ["SQUARE_TOKEN=sq0atp-{r:u:10}"]

[[rules]]
id = "square-oauth-secret"
description = "Square OAuth secret"
regex = '''(?<![A-Za-z0-9_\-])(sq0csp-[0-9A-Za-z_\-]{43})(?![A-Za-z0-9_\-])'''
keywords = ["sq0csp-"]
confidence = "high"
entropy = 3.0
examples = ["SQUARE_SECRET=sq0csp-{r:u:43}"]
counterexamples = ["SQUARE_SECRET=sq0csp-{r:u:20}"]

[[rules]]
id = "discord-webhook-url"
description = "Discord webhook URL"
regex = '''(?<![A-Za-z0-9])(discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,68})(?![A-Za-z0-9_\-])'''
keywords = ["discord"]
confidence = "high"
entropy = 3.5
examples = ["DISCORD_WEBHOOK=https://discord.com/api/webhooks/{r:9:18}/{r:u:68}"]
counterexamples = ["DISCORD_WEBHOOK=https://discord.com/api/webhooks/{r:9:18}/<token>"]

[[rules]]
id = "teams-webhook-url"
description = "Microsoft Teams incoming webhook URL"
regex = '''(?<![A-Za-z0-9])([a-z0-9\-]+\.webhook\.office\.com/webhookb2/[a-f0-9\-]{36}@[a-f0-9\-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9\-]{36})(?![A-Za-z0-9_\-])'''
keywords = ["webhook.office.com"]
confidence = "high"
allowHex = true
examples = ["TEAMS_HOOK=https://acme.webhook.office.com/webhookb2/{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}@{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}/IncomingWebhook/{r:h:32}/{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]
counterexamples = ["TEAMS_HOOK=https://acme.webhook.office.com/webhookb2/<id>"]

[[rules]]
id = "telegram-bot-token"
description = "Telegram bot token"
regex = '''(?<![A-Za-z0-9_:])([0-9]{8,10}:AA[A-Za-z0-9_\-]{33})(?![A-Za-z0-9_\-])'''
keywords = [":aa"]
confidence = "high"
entropy = 3.5
aliases = ["telegram-bot-api-token"]
examples = ["TELEGRAM_BOT_TOKEN={r:9:10}:AA{r:u:33}"]
counterexamples = ["TELEGRAM_BOT_TOKEN={r:9:10}:AA{r:u:20}"]

[[rules]]
id = "onepassword-service-account-token"
description = "1Password service account token"
regex = '''(?<![A-Za-z0-9_])(ops_eyJ[A-Za-z0-9+/=]{250,})(?![A-Za-z0-9_+/=])'''
keywords = ["ops_eyj"]
window = 4096
confidence = "high"
entropy = 3.5
aliases = ["1password-service-account-token"]
examples = ["OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ{r:64:300}"]
counterexamples = ["OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ{r:64:50}"]

[[rules]]
id = "buildkite-token"
description = "Buildkite user access token"
regex = '''(?<![A-Za-z0-9_])(bkua_[a-f0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["bkua_"]
confidence = "high"
examples = ["BUILDKITE_API_TOKEN=bkua_{r:h:40}"]
counterexamples = ["BUILDKITE_API_TOKEN=bkua_{r:h:20}"]

[[rules]]
id = "sourcegraph-token"
description = "Sourcegraph access token"
regex = '''(?<![A-Za-z0-9_])(sgp_(?:[a-f0-9]{16}|local)_[a-f0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["sgp_"]
confidence = "high"
examples = ["SRC_ACCESS_TOKEN=sgp_{r:h:16}_{r:h:40}"]
counterexamples = ["SRC_ACCESS_TOKEN=sgp_{r:h:16}"]

[[rules]]
id = "cloudflare-origin-ca-key"
description = "Cloudflare Origin CA key"
regex = '''(?<![A-Za-z0-9_\-.])(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})(?![A-Za-z0-9_\-])'''
keywords = ["v1.0-"]
confidence = "high"
examples = ["CF_ORIGIN_CA_KEY=v1.0-{r:h:24}-{r:h:146}"]
counterexamples = ["CF_ORIGIN_CA_KEY=v1.0-{r:h:24}"]

[[rules]]
id = "easypost-api-key"
description = "EasyPost API key"
regex = '''(?<![A-Za-z0-9_])(EZ[AT]K[A-Za-z0-9]{54})(?![A-Za-z0-9_])'''
keywords = ["ezak", "eztk"]
confidence = "high"
entropy = 3.5
aliases = ["easypost-api-token"]
examples = ["EASYPOST_API_KEY=EZAK{r:62:54}"]
counterexamples = ["EASYPOST_API_KEY=EZAK{r:62:20}"]

[[rules]]
id = "duffel-token"
description = "Duffel API token"
regex = '''(?<![A-Za-z0-9_])(duffel_(?:test|live)_[A-Za-z0-9_\-=]{43})(?![A-Za-z0-9_\-=])'''
keywords = ["duffel_"]
confidence = "high"
entropy = 3.5
aliases = ["duffel-api-token"]
examples = ["DUFFEL_TOKEN=duffel_live_{r:u:43}"]
counterexamples = ["DUFFEL_TOKEN=duffel_live_{r:u:20}"]

[[rules]]
id = "scalingo-token"
description = "Scalingo API token"
regex = '''(?<![A-Za-z0-9_\-])(tk-us-[A-Za-z0-9_\-]{48})(?![A-Za-z0-9_\-])'''
keywords = ["tk-us-"]
confidence = "high"
entropy = 3.5
aliases = ["scalingo-api-token"]
examples = ["SCALINGO_API_TOKEN=tk-us-{r:u:48}"]
counterexamples = ["SCALINGO_API_TOKEN=tk-us-{r:u:20}"]

[[rules]]
id = "shippo-token"
description = "Shippo API token"
regex = '''(?<![A-Za-z0-9_])(shippo_(?:live|test)_[a-f0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["shippo_"]
confidence = "high"
aliases = ["shippo-api-token"]
examples = ["SHIPPO_TOKEN=shippo_live_{r:h:40}"]
counterexamples = ["SHIPPO_TOKEN=shippo_live_{r:h:20}"]

[[rules]]
id = "prefect-api-key"
description = "Prefect API key"
regex = '''(?<![A-Za-z0-9_])(pnu_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["pnu_"]
confidence = "high"
entropy = 3.5
aliases = ["prefect-api-token"]
examples = ["PREFECT_API_KEY=pnu_{r:62:36}"]
counterexamples = ["PREFECT_API_KEY=pnu_{r:62:20}"]

# ---------------------------------------------------------------- Credentials in URLs

[[rules]]
id = "url-password"
description = "Password embedded in a URL"
regex = '''(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/@"'<>`]{0,64}:([^\s:/@"'<>`]{3,128})@[A-Za-z0-9][A-Za-z0-9.\-]*'''
keywords = ["://"]
confidence = "medium"
entropy = 2.5
filters = ["assignment"]
help = "Change the password, then take it out of the URL: pass it through the environment or a secret store."
examples = [
  "DATABASE_URL=postgres://svc_app:{r:62:16}@db.internal:5432/app",
  "<connection>mongodb+srv://reader:{r:62:20}@cluster0.example.invalid/test</connection>",
  "redis.from_url('redis://:{r:62:24}@cache:6379/0')",
]
counterexamples = [
  "DATABASE_URL=postgres://user:password@localhost:5432/app",
  "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app",
  "amqp://guest:guest@localhost:5672/",
  "https://user:<password>@example.com/",
  "see https://example.com/path@v2",
]
[[rules.allowlists]]
description = "placeholder passwords in documentation"
stopwords = ["password", "passwd", "pass", "secret", "guest", "user", "username", "changeme", "example", "dummy", "****"]

# ---------------------------------------------------------------- Generic (lowest confidence)

[[rules]]
id = "bearer-token"
description = "Bearer or token credential in an Authorization header"
regex = '''(?i)(?:(?<![A-Za-z0-9_])bearer|authorization["']?[ \t]*[:=][ \t]*["']?token)[ \t]+([A-Za-z0-9._~+/=\-!@#$%^*]{16,}+)(?![A-Za-z0-9._~+/=\-!@#$%^*])'''
keywords = ["bearer", "authorization"]
confidence = "medium"
entropy = 3.0
filters = ["assignment"]
help = "Revoke the token, and pass it at run time (environment or secret store) instead of writing it in the code."
examples = [
  "headers = {'Authorization': 'Bearer {r:62:30}'}",
  "curl -H \"Authorization: token {r:62:12}!{r:62:8}\" https://api.example.invalid/",
]
counterexamples = [
  "curl -H \"Authorization: Bearer $TOKEN\" https://api.example.invalid/",
  "headers = {'Authorization': f'Bearer {token}'}",
  "Authorization: Bearer <token>",
  "// the bearer token is refreshed every hour by the client",
]

[[rules]]
id = "generic-secret"
description = "Secret-looking value assigned to a password, secret, token or key"
# The name holds a keyword; then one of the ways code and configs pair a name with a value: `name = v`,
# `name: v`, `<name>v</name>`, `("name", "v")`, `key="name" value="v"`, `name("v")`, `?key=v&`, or a
# Kubernetes-style `- name: NAME` line followed by `value: v`.
regex = '''(?i)(?:(?<=[?&])key(?==)|password|passwd|passphrase|pwd|secret|token|api[_.\-]?key|apikey|access[_.\-]?key|private[_.\-]?key|auth[_.\-]?key|client[_.\-]?secret|credentials?)[a-z0-9_.\-]{0,30}(?:["']?\]?[ \t]{0,4}(?::=|=>|=|:|>)[ \t]{0,4}|["'][ \t]*,[ \t]*(?=["'`][^"'`\s]*[0-9!@#$%^&*+=~][^"'`\s]*["'`])|["'][ \t]+value[ \t]*=[ \t]*(?=["'])|[ \t]*\([ \t]*(?=["'`][^"'`\s]*[0-9!@#$%^&*+=~][^"'`\s]*["'`])|["']?[ \t]*\r?\n[ \t]*value:[ \t]*)(?|"([^"\r\n]{8,200})"|'([^'\r\n]{8,200})'|`([^`\r\n]{8,200})`|([^\s"'`<>,;&()\[\]{}]{8,200}+)(?![{$]))'''
keywords = ["password", "passwd", "passphrase", "pwd", "secret", "token", "api_key", "api-key", "apikey", "api.key", "access_key", "access-key", "accesskey", "private_key", "private-key", "privatekey", "auth_key", "authkey", "credential", "?key=", "&key="]
multiline = true
window = 200
confidence = "low"
entropy = 3.0
filters = ["assignment"]
aliases = ["generic-api-key"]
help = "Move the value to the environment or a secret manager and rotate it; if it is not a secret, add 'gate:allow' on the line."
examples = [
  "DB_PASSWORD={r:62:8}#{r:62:8}",
  "password: \"{r:62:10}!{r:62:6}\"",
  "<password>{r:62:12}${r:62:4}</password>",
  "{\"client_secret\": \"{r:62:24}\"}",
  "api_key = '{r:62:32}'",
  "settings['db_password'] = '{r:62:10}#{r:62:6}'",
  "os.Setenv(\"DB_PASSWORD\", \"{r:62:10}%{r:62:6}\")",
  "<add key=\"api_secret\" value=\"{r:62:10}~{r:62:6}\" />",
  "setToken('{r:62:12}^{r:62:4}')",
  "fetch(`https://api.example.invalid/v1?key={r:62:10}*{r:62:6}&limit=10`)",
  "env:{nl}  - name: SMTP_PASSWORD{nl}    value: {r:62:12}={r:62:6}",
  "password: \"${r:62:10}^{r:62:6}\"",
]
counterexamples = [
  "password = os.environ[\"PASSWORD\"]",
  "password: ${DB_PASSWORD}",
  "secret: {{ .Values.secret }}",
  "api_key = \"<your-api-key>\"",
  "password = \"changeme\"",
  "password = \"xxxxxxxxxxxx\"",
  "token_url = \"https://auth.example.invalid/oauth/token\"",
  "password_length: 16",
  "token: null",
  "secret_name = my-app-secret-name",
  "password = get_password_from_vault()",
  "passwordField.setText(userInput)",
  "token = self.settings.access_token",
  "api_key = \"{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}\"",
  "token = \"{r:h:40}\"",
  "header_token(\"Authorization\")",
  "os.Setenv(\"DB_PASSWORD\", password)",
  "env:{nl}  - name: PASSWORD_POLICY{nl}    value: strict-mode-v2",
  "password:{nl}  next_setting: Enabled1",
  "notes = [\"see docs/secrets.md\", \"key = cache_key(user, region)\"]",
  "files = [\"pkg/secret.py\": \"import pkg.alpha\\n\"]",
  "for bad in [\"sha256:../../etc/passwd\", \"sha256/abc2\"]",
  "TokenCauses.address(\"0x7ffd5a3c1e20\", \"0x7ffc11aa0f48\")",
]
[[rules.allowlists]]
description = "names that hold metadata about a secret rather than the secret"
regexTarget = "match"
regexes = ['''(?i)^[a-z0-9_.\-]*?(?:url|uri|endpoint|path|file|dir|name|type|length|len|size|policy|field|header|prefix|format|env|version|id|count|ttl|expiry|expires|timeout|hint|label|placeholder|regex|pattern|validator|required|hash)(?![a-z0-9_.\-])''']
[[rules.allowlists]]
description = "placeholder and sample values"
stopwords = ["example", "sample", "dummy", "placeholder", "changeme", "change_me", "change-me", "redacted", "replace", "your", "todo", "fixme", "secret", "password", "passwd", "token", "test"]
"""##
}
