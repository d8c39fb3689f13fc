package imagegate.tags_test

import rego.v1

image(text, reference) := {"container": "app", "image": text, "pointer": "/spec/containers/0/image", "reference": reference}

nginx(extra) := object.union({"repository": "docker.io/library/nginx"}, extra)

digest := "sha256:0000000000000000000000000000000000000000000000000000000000000001"

tag_violations(img, config) := [v | some v in data.imagegate.decision.violations with input as {"images": [img]} with data.imagegate.config as config; v.rule == "tag-hygiene"]

test_version_tag_and_digest_only_are_admitted if {
	count(tag_violations(image("nginx:1.27", nginx({"tag": "1.27"})), {})) == 0
	count(tag_violations(image("nginx@sha256:1", nginx({"digest": digest})), {})) == 0
	count(tag_violations(image("nginx:1.27@sha256:1", nginx({"tag": "1.27", "digest": digest})), {})) == 0
}

test_latest_is_denied_even_when_pinned if {
	[v] := tag_violations(image("nginx:latest", nginx({"tag": "latest"})), {})
	v.message == "the tag \"latest\" names no version: it moves with every push"
	v.fix == "write a version tag (docker.io/library/nginx:<version>) or a digest (docker.io/library/nginx@sha256:<digest>)"
	v.pointer == "/spec/containers/0/image"
	[w] := tag_violations(image("nginx:latest@sha256:1", nginx({"tag": "latest", "digest": digest})), {})
	w.message == v.message
}

test_no_tag_and_no_digest_is_denied if {
	# As imagegate's input has it: the reference grammar fills in the tag "latest".
	[v] := tag_violations(image("nginx", nginx({"tag": "latest"})), {})
	v.message == "no tag and no digest: the image means \"latest\", which names no version"
	v.container == "app"
	v.image == "nginx"
	[w] := tag_violations(image("registry.example.com:5000/team/app", {"repository": "registry.example.com:5000/team/app", "tag": "latest"}), {})
	w.message == v.message
}

test_require_digest_denies_a_tag_alone_naming_the_judged_digest if {
	config := {"tags": {"require_digest": true}}
	count(tag_violations(image("nginx:1.27@sha256:1", nginx({"tag": "1.27", "digest": digest})), config)) == 0
	img := object.union(image("nginx:1.27", nginx({"tag": "1.27"})), {"digest": digest})
	[v] := tag_violations(img, config)
	v.message == "no digest, and tags.requireDigest is on: only a digest names one build"
	v.fix == sprintf("pin it: docker.io/library/nginx:1.27@%s (imagegate's /mutate does when it can reach the registry)", [digest])
	[u] := tag_violations(image("nginx:1.27", nginx({"tag": "1.27"})), config)
	u.fix == "pin it: docker.io/library/nginx:1.27@sha256:<digest> (imagegate's /mutate does when it can reach the registry)"
}

test_require_digest_gives_one_violation_per_unversioned_image if {
	count(tag_violations(image("nginx:latest", nginx({"tag": "latest"})), {"tags": {"require_digest": true}})) == 1
}
