# Rule health-grade: every image must have at least the minimum health grade (Red Hat's
# Container Health Index, A best to F worst) for its repository.
#
# Reads input.images[_].facts.health: {grade, source, computedAt, nextDrop?, finding?} from
# imagegate's `health` fact source, or {error: {code, message}} when no grade could be had.
# data.imagegate.config.health:
#   enabled       the rule applies only when true (default false: no health source configured)
#   minimum       the minimum grade of every repository no entry below covers (default "B",
#                 Red Hat's guidance: "only deploy images with an A/B rating")
#   repositories  [{prefix, minimum}]: the longest prefix covering the repository wins (whole
#                 host, whole path segments, as trusted-registries); equal lengths: the stricter
#   on_unknown    "deny" (default) or "warn": an image without a grade (no digest, no fact, an
#                 error, a source down) is denied, never silently admitted; any other value denies
package imagegate.health

import rego.v1

default config := {}

config := data.imagegate.config.health

grades := ["A", "B", "C", "D", "E", "F"]

ranks := {g: i | some i, g in grades}

default_minimum := object.get(config, "minimum", "B")

# The minimum grade of a repository.
minimum(repository) := grades[best[1]] if {
	covering := [[count(r.prefix), ranks[r.minimum]] | some r in object.get(config, "repositories", []); data.imagegate.registries.under(repository, data.imagegate.registries.lower_host(r.prefix))]
	count(covering) > 0
	best := max(covering)
}

minimum(repository) := default_minimum if {
	not covered(repository)
}

covered(repository) if {
	some r in object.get(config, "repositories", [])
	data.imagegate.registries.under(repository, data.imagegate.registries.lower_host(r.prefix))
}

fact(img) := object.get(img, ["facts", "health"], null)

graded(img) if {
	object.get(img, "digest", "") != ""
	is_string(fact(img).grade)
	ranks[fact(img).grade]
}

violation contains v if {
	config.enabled == true
	some img in input.images
	graded(img)
	min := minimum(img.reference.repository)
	ranks[fact(img).grade] > ranks[min]
	v := {
		"container": img.container,
		"image": img.image,
		"rule": "health-grade",
		"message": sprintf("%s has health grade %s, below the minimum %s%s", [img.reference.repository, fact(img).grade, min, because(fact(img))]),
		"fix": fix(fact(img)),
	}
}

violation contains v if {
	config.enabled == true
	object.get(config, "on_unknown", "deny") != "warn"
	some img in input.images
	not graded(img)
	v := {
		"container": img.container,
		"image": img.image,
		"rule": "health-grade",
		"message": sprintf("%s has no health grade (minimum %s): %s", [img.reference.repository, minimum(img.reference.repository), unknown_reason(img)]),
		"fix": unknown_fix,
	}
}

warning contains msg if {
	config.enabled == true
	object.get(config, "on_unknown", "deny") == "warn"
	some img in input.images
	not graded(img)
	msg := sprintf("%s (container %s) has no health grade and was admitted (on_unknown: warn): %s", [img.reference.repository, img.container, unknown_reason(img)])
}

because(f) := sprintf(": %s (%s) was fixed %d days ago and the fix is not applied", [f.finding.id, f.finding.severity, f.finding.ageDays]) if {
	is_number(f.finding.ageDays)
}

because(f) := sprintf(": %s (%s) has a fix that is not applied (its age is unknown, counted as oldest)", [f.finding.id, f.finding.severity]) if {
	is_string(f.finding.id)
	not aged(f)
}

# Helpers for `not`: a negated call on an undefined ref is itself undefined (the rule fails).
aged(f) if is_number(f.finding.ageDays)

has_fix_version(f) if is_string(f.finding.fixedIn)

is_error(f) if is_string(f.error.code)

valid_grade(f) if ranks[f.grade]

because(f) := sprintf(" (graded by %s)", [f.source]) if not f.finding

fix(f) := sprintf("rebuild the image on a newer base image, or update the package to %s, which fixes %s", [f.finding.fixedIn, f.finding.id]) if {
	is_string(f.finding.fixedIn)
}

fix(f) := "rebuild the image on a newer base image: a grade only gets worse until a new image is built" if {
	not has_fix_version(f)
}

unknown_reason(img) := "no digest was resolved, and grades are kept by digest" if {
	object.get(img, "digest", "") == ""
}

unknown_reason(img) := "no health fact (is a health source configured?)" if {
	object.get(img, "digest", "") != ""
	fact(img) == null
}

unknown_reason(img) := sprintf("%s: %s", [fact(img).error.code, fact(img).error.message]) if {
	object.get(img, "digest", "") != ""
	is_string(fact(img).error.code)
}

unknown_reason(img) := "the health fact is neither a grade A-F nor an error" if {
	object.get(img, "digest", "") != ""
	f := fact(img)
	f != null
	not is_error(f)
	not valid_grade(f)
}

unknown_fix := "pin the image by digest and use one a health source grades; if the source is down or has not scanned it yet, retry later"
