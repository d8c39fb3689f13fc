package imagegate.health_test

import rego.v1

config := {
	"enabled": true,
	"minimum": "B",
	"repositories": [
		{"prefix": "registry.example.com/legacy", "minimum": "D"},
		{"prefix": "registry.example.com/legacy/strict", "minimum": "A"},
	],
}

digest := "sha256:5b1a8ee2e10b71a0a4ef0c0b5a0e0a7b1c6e5e2fb1e8d36d1d0b0c35b3e0d6a1"

image(repository, health) := {
	"container": "app",
	"image": concat("@", [repository, digest]),
	"digest": digest,
	"reference": {"repository": repository, "digest": digest},
	"facts": {"health": health},
}

grade_d := {
	"grade": "D",
	"source": "clair",
	"computedAt": "2024-12-15T00:00:00.000Z",
	"nextDrop": {"at": "2025-09-03T00:00:00.000Z", "grade": "F"},
	"finding": {"id": "CVE-2024-6119", "severity": "important", "ageDays": 103, "fixedIn": "1:3.0.7-28.el9_4"},
}

grade_b := {"grade": "B", "source": "pyxis", "computedAt": "2025-04-01T00:00:00.000Z"}

decide(img, cfg) := d if {
	d := data.imagegate.decision with input as {"images": [img]} with data.imagegate.config as {"trusted_registries": ["registry.example.com", "registry.access.redhat.com"], "health": cfg}
}

health_violations(img, cfg) := [v | some v in decide(img, cfg).violations; v.rule == "health-grade"]

test_grade_d_is_denied_naming_grade_minimum_finding_and_fix if {
	[v] := health_violations(image("registry.example.com/team/app", grade_d), config)
	v.container == "app"
	v.message == "registry.example.com/team/app has health grade D, below the minimum B: CVE-2024-6119 (important) was fixed 103 days ago and the fix is not applied"
	v.fix == "rebuild the image on a newer base image, or update the package to 1:3.0.7-28.el9_4, which fixes CVE-2024-6119"
}

test_grade_b_and_better_are_admitted if {
	count(decide(image("registry.access.redhat.com/ubi9/ubi-minimal", grade_b), config).violations) == 0
	count(health_violations(image("registry.example.com/team/app", {"grade": "A", "source": "pyxis", "computedAt": "x"}), config)) == 0
}

test_grade_from_the_catalog_without_a_finding_names_the_source if {
	[v] := health_violations(image("registry.access.redhat.com/ubi9/ubi", {"grade": "C", "source": "pyxis", "computedAt": "x"}), config)
	v.message == "registry.access.redhat.com/ubi9/ubi has health grade C, below the minimum B (graded by pyxis)"
	startswith(v.fix, "rebuild the image on a newer base image")
}

test_a_finding_of_unknown_age_says_so if {
	f := {"grade": "F", "source": "quay", "computedAt": "x", "finding": {"id": "CVE-2023-0286", "severity": "important", "fixedIn": "1:1.1.1k-12.el8_9"}}
	[v] := health_violations(image("registry.example.com/team/app", f), config)
	contains(v.message, "CVE-2023-0286 (important) has a fix that is not applied (its age is unknown, counted as oldest)")
}

test_the_longest_covering_prefix_sets_the_minimum if {
	count(health_violations(image("registry.example.com/legacy/app", grade_d), config)) == 0
	[v] := health_violations(image("registry.example.com/legacy/strict/app", grade_b), config)
	contains(v.message, "below the minimum A")
	[w] := health_violations(image("registry.example.com/legacyish/app", grade_d), config)
	contains(w.message, "below the minimum B")
	[x] := health_violations(image("registry.example.com.evil.io/legacy/app", grade_d), config)
	contains(x.message, "below the minimum B")
}

test_errors_missing_facts_and_missing_digests_deny if {
	err := {"error": {"code": "IMAGEGATE_HEALTH_UNAVAILABLE", "message": "health.sources[0] (pyxis): the service failed (HTTP 503)"}}
	[a] := health_violations(image("registry.example.com/team/app", err), config)
	a.message == "registry.example.com/team/app has no health grade (minimum B): IMAGEGATE_HEALTH_UNAVAILABLE: health.sources[0] (pyxis): the service failed (HTTP 503)"
	no_fact := object.remove(image("registry.example.com/team/app", null), ["facts"])
	[b] := health_violations(no_fact, config)
	contains(b.message, "no health fact")
	no_digest := object.remove(image("registry.example.com/team/app", grade_b), ["digest"])
	[c] := health_violations(no_digest, config)
	contains(c.message, "no digest was resolved")
	[d] := health_violations(image("registry.example.com/team/app", {"grade": "Z"}), config)
	contains(d.message, "neither a grade A-F nor an error")
}

test_on_unknown_warn_admits_with_a_warning_but_still_denies_low_grades if {
	cfg := object.union(config, {"on_unknown": "warn"})
	err := {"error": {"code": "IMAGEGATE_HEALTH_NOT_SCANNED", "message": "queued"}}
	d := decide(image("registry.example.com/team/app", err), cfg)
	count(d.violations) == 0
	some w in d.warnings
	contains(w, "IMAGEGATE_HEALTH_NOT_SCANNED: queued")
	count(health_violations(image("registry.example.com/team/app", grade_d), cfg)) == 1
}

test_any_other_on_unknown_value_denies if {
	cfg := object.union(config, {"on_unknown": "allow"})
	count(health_violations(image("registry.example.com/team/app", {"error": {"code": "IMAGEGATE_HEALTH_TIMEOUT", "message": "t"}}), cfg)) == 1
}

test_disabled_or_unconfigured_rule_decides_nothing if {
	count(health_violations(image("registry.example.com/team/app", grade_d), {"enabled": false})) == 0
	count(health_violations(image("registry.example.com/team/app", grade_d), {})) == 0
}

test_default_minimum_is_b if {
	count(health_violations(image("registry.example.com/team/app", grade_b), {"enabled": true})) == 0
	count(health_violations(image("registry.example.com/team/app", {"grade": "C", "source": "s", "computedAt": "x"}), {"enabled": true})) == 1
}
