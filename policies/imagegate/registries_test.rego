package imagegate.registries_test

import rego.v1

config := {"trusted_registries": ["registry.example.com/team", "ghcr.io", "Mirror.Example.com:5000/hub"]}

image(repository) := {"container": "app", "image": concat(":", [repository, "1"]), "reference": {"repository": repository, "tag": "1"}}

denied(repository) if {
	some v in data.imagegate.decision.violations with input as {"images": [image(repository)]} with data.imagegate.config as config
	v.rule == "trusted-registries"
}

test_trusted_prefix_admits_its_repositories if {
	not denied("registry.example.com/team/app")
	not denied("registry.example.com/team")
	not denied("ghcr.io/org/tool")
	not denied("mirror.example.com:5000/hub/library/nginx")
}

test_segment_boundaries_and_lookalike_hosts_are_denied if {
	denied("registry.example.com/teamster/app")
	denied("registry.example.com/other/app")
	denied("evil.io/registry.example.com/team/app")
	denied("registry.example.com.evil.io/team/app")
	denied("ghcr.io.evil.io/org/tool")
	denied("mirror.example.com/hub/library/nginx")
	denied("docker.io/library/nginx")
}

test_violation_names_container_rule_and_fix if {
	d := data.imagegate.decision with input as {"images": [image("docker.io/library/nginx")]} with data.imagegate.config as config
	some v in d.violations
	v.container == "app"
	v.message == "docker.io/library/nginx is not in the trusted registries (registries.hosts)"
	v.fix == "use an image under one of: registry.example.com/team, ghcr.io, Mirror.Example.com:5000/hub"
}

test_no_configuration_denies_everything_and_warns if {
	d := data.imagegate.decision with input as {"images": [image("ghcr.io/org/tool")]} with data.imagegate.config as {}
	count(d.violations) == 1
	count(d.warnings) == 1
	some v in d.violations
	startswith(v.fix, "list the registries you trust")
}
