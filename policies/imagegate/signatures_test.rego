package imagegate.signatures_test

import rego.v1

digest := "sha256:5b1a8ee2e10b71a0a4ef0c0b5a0e0a7b1c6e5e2fb1e8d36d1d0b0c35b3e0d6a1"

config := {"enabled": true, "repositories": ["registry.example.com/team"]}

image(repository, sigs) := {
	"container": "app",
	"image": concat("@", [repository, digest]),
	"digest": digest,
	"reference": {"repository": repository},
	"facts": {"signatures": sigs},
}

decide(img, cfg) := d if {
	d := data.imagegate.decision with input as {"images": [img]} with data.imagegate.config as {"trusted_registries": ["registry.example.com"], "signatures": cfg}
}

violations(img, cfg) := [v | some v in decide(img, cfg).violations; v.rule == "signatures"]

signed := {
	"required": true, "policy": "registry.example.com/team", "threshold": 1,
	"verified": [{"authority": "release-key", "kind": "key", "fingerprint": "sha256:ab"}],
	"attestations": [], "satisfied": true, "failures": [],
}

wrong_signer := {
	"required": true, "policy": "registry.example.com/team", "threshold": 1, "verified": [], "attestations": [],
	"satisfied": false,
	"failures": [
		"needs 1 distinct trusted signer of sha256:5b1a, has none",
		"referrer sha256:cd: signed, but by https://github.com/acme/ci/.github/workflows/build.yml@refs/heads/main, not by the required .../release.yml",
	],
}

not_required := {"required": false, "policy": null, "threshold": 0, "verified": [], "attestations": [], "satisfied": true, "failures": []}

test_a_satisfied_fact_is_admitted if {
	count(violations(image("registry.example.com/team/app", signed), config)) == 0
}

test_an_unsatisfied_fact_is_denied_naming_container_policy_and_every_reason if {
	[v] := violations(image("registry.example.com/team/app", wrong_signer), config)
	v.container == "app"
	v.message == concat("", [
		"registry.example.com/team/app@", digest, " is not signed as required for registry.example.com/team: ",
		"needs 1 distinct trusted signer of sha256:5b1a, has none; ",
		"referrer sha256:cd: signed, but by https://github.com/acme/ci/.github/workflows/build.yml@refs/heads/main, not by the required .../release.yml",
	])
	contains(v.fix, "sign registry.example.com/team/app@sha256:")
}

test_a_repository_no_policy_covers_is_admitted_unsigned if {
	count(violations(image("registry.example.com/other/app", not_required), config)) == 0
}

test_an_error_in_a_covered_repository_is_denied_with_its_code if {
	img := image("registry.example.com/team/app", {"error": {"code": "IMAGEGATE_REGISTRY_TIMEOUT", "message": "no answer"}})
	[v] := violations(img, config)
	v.message == "the signatures of registry.example.com/team/app could not be checked: IMAGEGATE_REGISTRY_TIMEOUT: no answer"
}

test_an_error_outside_the_covered_repositories_is_left_to_other_rules if {
	img := image("registry.example.com/other/app", {"error": {"code": "IMAGEGATE_REGISTRY_TIMEOUT", "message": "no answer"}})
	count(violations(img, config)) == 0
}

test_a_missing_fact_is_denied_by_default_everywhere if {
	img := {"container": "app", "image": "x", "reference": {"repository": "registry.example.com/x"}, "facts": {}}
	[v] := violations(img, {"enabled": true})
	contains(v.message, "no signatures fact")
}

test_a_teamster_repository_is_not_under_team if {
	img := image("registry.example.com/teamster/app", {"error": {"code": "IMAGEGATE_REGISTRY_TIMEOUT", "message": "x"}})
	count(violations(img, config)) == 0
}

test_disabled_rule_denies_nothing if {
	count(violations(image("registry.example.com/team/app", wrong_signer), {"enabled": false})) == 0
}
