# Rule mirrors: an image from an upstream with a configured mirror must be pulled from the mirror.
#
# data.imagegate.config.mirrors: [{from, to, rewrite}] (imagegate serve derives it from
# registries.mirrors). An image under `from` (whole host, whole path segments, the longest `from`
# wins) is denied, naming the mirror image to use: `to` + the rest of its path + its tag and
# digest as written. With rewrite: true, /mutate rewrites such an image to the mirror (pinned
# there) before validation, so only an object /mutate did not see (it was down) is denied.
package imagegate.mirrors

import rego.v1

default mirrors := []

mirrors := data.imagegate.config.mirrors

# The mirror of a repository: the entry with the longest `from` covering it.
mirror_of(repository) := m if {
	covering := [[count(lower_from(c)), i] | some i, c in mirrors; data.imagegate.registries.under(repository, lower_from(c))]
	count(covering) > 0
	m := mirrors[max(covering)[1]]
}

lower_from(m) := data.imagegate.registries.lower_host(m.from)

violation contains v if {
	some img in input.images
	m := mirror_of(img.reference.repository)
	v := {
		"container": img.container,
		"image": img.image,
		"pointer": data.imagegate.registries.pointer(img),
		"rule": "mirrors",
		"message": message(img.reference.repository, m),
		"fix": sprintf("use %s", [mirror_image(img.reference, m)]),
	}
}

message(repository, m) := sprintf("%s is mirrored at %s (registries.mirrors): pull it from there", [repository, m.to]) if {
	not m.rewrite
}

message(repository, m) := sprintf("%s is mirrored at %s (registries.mirrors): /mutate rewrites it there when it can pin it at the mirror, and did not for this object", [repository, m.to]) if {
	m.rewrite == true
}

mirror_image(ref, m) := concat("", [m.to, substring(ref.repository, count(lower_from(m)), -1), suffix(ref)])

suffix(ref) := concat("", [tag_part(ref), digest_part(ref)])

tag_part(ref) := sprintf(":%s", [ref.tag]) if ref.tag

tag_part(ref) := "" if not ref.tag

digest_part(ref) := sprintf("@%s", [ref.digest]) if ref.digest

digest_part(ref) := "" if not ref.digest
