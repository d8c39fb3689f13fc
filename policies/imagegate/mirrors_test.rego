package imagegate.mirrors_test

import rego.v1

mirrors := [
	{"from": "docker.io/library", "to": "mirror.example.com/hub", "rewrite": false},
	{"from": "docker.io/library/postgres", "to": "mirror.example.com/db/postgres", "rewrite": false},
	{"from": "Quay.io", "to": "mirror.example.com/quay", "rewrite": true},
]

image(text, reference) := {"container": "app", "image": text, "reference": reference}

mirror_violations(img) := [v | some v in data.imagegate.decision.violations with input as {"images": [img]} with data.imagegate.config as {"mirrors": mirrors}; v.rule == "mirrors"]

test_an_upstream_image_is_denied_naming_the_mirror_image if {
	[v] := mirror_violations(image("nginx:1.27", {"repository": "docker.io/library/nginx", "tag": "1.27"}))
	v.message == "docker.io/library/nginx is mirrored at mirror.example.com/hub (registries.mirrors): pull it from there"
	v.fix == "use mirror.example.com/hub/nginx:1.27"
}

test_the_longest_from_wins_and_tag_and_digest_are_kept if {
	ref := {"repository": "docker.io/library/postgres", "tag": "16", "digest": "sha256:ab"}
	[v] := mirror_violations(image("postgres:16@sha256:ab", ref))
	v.fix == "use mirror.example.com/db/postgres:16@sha256:ab"
}

test_a_rewriting_mirror_still_denies_what_mutate_did_not_rewrite if {
	[v] := mirror_violations(image("quay.io/org/app:2", {"repository": "quay.io/org/app", "tag": "2"}))
	v.fix == "use mirror.example.com/quay/org/app:2"
	contains(v.message, "/mutate rewrites it there when it can pin it at the mirror")
}

test_segment_boundaries_and_the_mirror_itself_are_not_denied if {
	count(mirror_violations(image("docker.io/libraryx/app:1", {"repository": "docker.io/libraryx/app", "tag": "1"}))) == 0
	count(mirror_violations(image("mirror.example.com/hub/nginx:1", {"repository": "mirror.example.com/hub/nginx", "tag": "1"}))) == 0
	count(mirror_violations(image("quay.io.evil.io/app:1", {"repository": "quay.io.evil.io/app", "tag": "1"}))) == 0
}

test_no_mirrors_no_violation if {
	count([v | some v in data.imagegate.decision.violations with input as {"images": [image("nginx:1", {"repository": "docker.io/library/nginx", "tag": "1"})]}; v.rule == "mirrors"]) == 0
}
