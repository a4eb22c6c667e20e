#!/usr/bin/env bash
# Builds the library's Go binding with jsii-pacmak, together with the cdk8s and cdk8s-plus-28 Go bindings generated
# locally from node_modules (the Go module proxy reachable here does not serve cdk8s-core-go nor cdk8s-plus-go;
# github.com/aws/jsii-runtime-go and github.com/aws/constructs-go come from the proxy). See scripts/pacmak-binding.sh.
#
# Prints, on the last line, a folder holding the three Go modules, each in its own folder (cdk8s, cdk8splus28,
# cdk8saiplatform), for `replace` directives. --deps-only prints the dependency folder instead; --deps-into DIR copies
# it into DIR (package:go).
exec bash "$(dirname "${BASH_SOURCE[0]}")/pacmak-binding.sh" go "$@"
