//go:build tools

// Package tools pins the EKS Anywhere package controller (github.com/aws/eks-anywhere-packages,
// the `package-manager server` of the curated-packages controller), which scripts/build-go-tools
// builds from the Go module proxy (see main-package). v0.4.5 is the one version the proxy serves.
package tools

import _ "github.com/aws/eks-anywhere-packages"
