# Rule trusted-registries: every image must come from a trusted registry prefix.
# data.imagegate.config.trusted_registries lists prefixes "host[:port][/path]": imagegate serve
# derives it from registries.hosts (a host, or host/<prefix> per registries.hosts[].repositories),
# the same list the pinner contacts, so the messages name registries.hosts. A prefix
# matches the whole host (lowercased by imagegate) and whole path segments only, so
# "registry.example.com/team" admits registry.example.com/team/app but not
# registry.example.com/teamster/app, evil.io/registry.example.com/team/app or
# registry.example.com.evil.io/team/app.
package imagegate.registries

import rego.v1

violation contains v if {
	some img in input.images
	not trusted(img.reference.repository)
	v := {
		"container": img.container,
		"image": img.image,
		"pointer": pointer(img),
		"rule": "trusted-registries",
		"message": sprintf("%s is not in the trusted registries (registries.hosts)", [img.reference.repository]),
		"fix": fix,
	}
}

fix := sprintf("use an image under one of: %s", [concat(", ", prefixes)]) if count(prefixes) > 0

fix := "list the registries you trust in registries.hosts in imagegate's config" if count(prefixes) == 0

warning contains msg if {
	count(prefixes) == 0
	msg := "no trusted registries are configured (registries.hosts): every image is denied"
}

# The image's site in the object (a JSON pointer), "" when the input has none. Read field by
# field (not object.get on the image), so the verdict cache keys on these fields only.
pointer(img) := img.pointer if has_pointer(img)

pointer(img) := "" if not has_pointer(img)

has_pointer(img) if is_string(img.pointer)

default prefixes := []

prefixes := data.imagegate.config.trusted_registries

trusted(repository) if {
	some prefix in prefixes
	under(repository, lower_host(prefix))
}

under(repository, prefix) if repository == prefix

under(repository, prefix) if startswith(repository, concat("", [prefix, "/"]))

# Hosts compare case-insensitively; paths are lowercase by the reference grammar.
lower_host(prefix) := lower(prefix) if not contains(prefix, "/")

lower_host(prefix) := concat("/", array.concat([lower(parts[0])], array.slice(parts, 1, count(parts)))) if {
	contains(prefix, "/")
	parts := split(prefix, "/")
}
