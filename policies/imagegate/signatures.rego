# Rule signatures: images of repositories a `signatures.policies` entry covers must carry enough
# verified signatures (and the required attestations) for the very digest they are judged by.
#
# Reads input.images[_].facts.signatures from imagegate's `signatures` fact source:
# {required, policy, threshold, verified: [...], attestations: [...], satisfied, failures: [...]}
# or {error: {code, message}} when the signatures could not be read (registry down, limits).
# data.imagegate.config.signatures:
#   enabled       the rule applies only when true (imagegate serve sets it when signatures.policies
#                 are configured)
#   repositories  prefixes (or "*") whose images are denied when their signatures fact is an error
#                 or missing: an image whose signatures could not be checked is never admitted
#                 there (default ["*"]; imagegate serve sets the configured policies' patterns)
package imagegate.signatures

import rego.v1

default config := {}

config := data.imagegate.config.signatures

fact(img) := object.get(img, ["facts", "signatures"], null)

covered(repository) if {
	some p in object.get(config, "repositories", ["*"])
	p == "*"
}

covered(repository) if {
	some p in object.get(config, "repositories", ["*"])
	p != "*"
	data.imagegate.registries.under(repository, data.imagegate.registries.lower_host(p))
}

checked(f) if is_boolean(f.required)

violation contains v if {
	config.enabled == true
	some img in input.images
	f := fact(img)
	f.required == true
	f.satisfied != true
	v := {
		"container": img.container,
		"image": img.image,
		"rule": "signatures",
		"message": sprintf("%s@%s is not signed as required for %s: %s", [img.reference.repository, img.digest, f.policy, concat("; ", f.failures)]),
		"fix": sprintf("sign %s@%s with an authority of the signatures policy for %s (cosign sign --key …, or keyless in CI), or deploy a digest that is signed", [img.reference.repository, img.digest, f.policy]),
	}
}

violation contains v if {
	config.enabled == true
	some img in input.images
	covered(img.reference.repository)
	not checked(fact(img))
	v := {
		"container": img.container,
		"image": img.image,
		"rule": "signatures",
		"message": sprintf("the signatures of %s could not be checked: %s", [img.reference.repository, unchecked_reason(img)]),
		"fix": "pin the image by digest on a trusted registry; if the registry is down, retry later",
	}
}

unchecked_reason(img) := sprintf("%s: %s", [fact(img).error.code, fact(img).error.message]) if {
	is_string(fact(img).error.code)
}

unchecked_reason(img) := "no signatures fact (are signatures.policies configured?)" if {
	fact(img) == null
}

unchecked_reason(img) := "the signatures fact is neither a verdict nor an error" if {
	f := fact(img)
	f != null
	not is_string(f.error.code)
	not checked(f)
}
