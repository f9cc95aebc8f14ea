//go:build tools

// Package tools pins the upstream kubelet ECR credential provider, ecr-credential-provider from
// k8s.io/cloud-provider-aws, built by scripts/build-go-tools (see main-package) to run side by
// side with ours.
package tools

import _ "k8s.io/cloud-provider-aws/cmd/ecr-credential-provider"
