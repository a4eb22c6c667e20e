#!/usr/bin/env bash
# Builds the library's Java binding with jsii-pacmak, together with the cdk8s and cdk8s-plus-28 Java bindings
# generated locally from node_modules (the Maven repositories reachable here do not serve org.cdk8s:cdk8s 2.70.x nor
# cdk8s-plus-28; software.constructs:constructs and software.amazon.jsii:jsii-runtime come from Maven Central).
# See scripts/pacmak-binding.sh.
#
# Prints, on the last line, a Maven repository folder holding org.cdk8s:cdk8s, org.cdk8s:cdk8s-plus-28 and
# io.github.cdk8s-ai-platform:cdk8s-ai-platform (Maven's local repository for these builds is the cache's m2/).
# --deps-only prints the dependency repository instead; --deps-into DIR copies it into DIR (package:java).
exec bash "$(dirname "${BASH_SOURCE[0]}")/pacmak-binding.sh" java "$@"
