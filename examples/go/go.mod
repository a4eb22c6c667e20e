module github.com/cdk8s-ai-platform/cdk8s-ai-platform/examples/go

go 1.25

require (
	github.com/aws/constructs-go/constructs/v10 v10.8.1
	github.com/aws/jsii-runtime-go v1.140.0
	github.com/cdk8s-ai-platform/cdk8s-ai-platform-go/cdk8saiplatform v0.0.0
	github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 v2.70.106
	github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2 v2.5.6
)

// The bindings generated locally (npx projen package:go; the Go module proxy does not serve cdk8s-core-go and
// cdk8s-plus-go, and the library is not published to it).
replace (
	github.com/cdk8s-ai-platform/cdk8s-ai-platform-go/cdk8saiplatform => ../../dist/go/cdk8saiplatform
	github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 => ../../dist/go/cdk8s
	github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2 => ../../dist/go/cdk8splus28
)
