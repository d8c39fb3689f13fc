# The decision imagegate evaluates for /validate (entrypoint imagegate/decision).
# Contract: {"violations": [{container, image, rule, message, fix}], "warnings": [string]}.
# Every rule package below contributes to `violation` and `warning`; add a package and list
# it here to add a rule.
package imagegate

import rego.v1

violations contains v if some v in data.imagegate.registries.violation

violations contains v if some v in data.imagegate.health.violation

violations contains v if some v in data.imagegate.signatures.violation

violations contains v if some v in data.imagegate.tags.violation

violations contains v if some v in data.imagegate.mirrors.violation

warnings contains w if some w in data.imagegate.registries.warning

warnings contains w if some w in data.imagegate.health.warning

decision := {"violations": violations, "warnings": warnings}
