# Rule tag-hygiene: an image must name a version, not a moving tag.
#
# A violation: the tag "latest" (with or without a digest: it names no version, whatever build it
# was pinned to), or neither tag nor digest (which means "latest"). A digest alone
# (repo@sha256:...) names exactly one build and is admitted; so is a tagless image /mutate pinned.
# data.imagegate.config.tags (imagegate serve derives it from the config's `tags` section):
#   require_digest  true: every image as written (after /mutate) must also carry a digest, so an
#                   image /mutate could not pin (registry down, untrusted) is denied (default false)
package imagegate.tags

import rego.v1

default require_digest := false

require_digest := data.imagegate.config.tags.require_digest

violation contains v if {
	some img in input.images
	img.reference.tag == "latest"
	v := violation_of(img, latest_message(img))
}

latest_message(img) := "no tag and no digest: the image means \"latest\", which names no version" if untagged(img)

latest_message(img) := "the tag \"latest\" names no version: it moves with every push" if not untagged(img)

# The reference grammar fills in "latest" for an image written without a tag (reference.tag is
# then "latest" too): only the image as written tells the two apart.
untagged(img) if {
	name := split(img.image, "@")[0]
	segments := split(name, "/")
	not contains(segments[count(segments) - 1], ":")
}

violation contains v if {
	require_digest == true
	some img in input.images
	not img.reference.digest
	not unversioned(img)
	v := violation_of(img, "no digest, and tags.requireDigest is on: only a digest names one build")
}

violation_of(img, message) := {
	"container": img.container,
	"image": img.image,
	"pointer": data.imagegate.registries.pointer(img),
	"rule": "tag-hygiene",
	"message": message,
	"fix": fix(img),
}

# One violation per image: the fix of an unversioned image also covers the digest.
unversioned(img) if img.reference.tag == "latest"

fix(img) := sprintf("write a version tag (%s:<version>) or a digest (%s@sha256:<digest>)", [img.reference.repository, img.reference.repository]) if unversioned(img)

fix(img) := sprintf("pin it: %s:%s@%s (imagegate's /mutate does when it can reach the registry)", [img.reference.repository, img.reference.tag, img.digest]) if {
	not unversioned(img)
	judged(img)
}

fix(img) := sprintf("pin it: %s:%s@sha256:<digest> (imagegate's /mutate does when it can reach the registry)", [img.reference.repository, img.reference.tag]) if {
	not unversioned(img)
	not judged(img)
}

# A helper for `not`: a negated call on an undefined ref is itself undefined (the rule fails).
judged(img) if is_string(img.digest)
