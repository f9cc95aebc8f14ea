//go:build tools

// Package tools pins the EKS Anywhere package controller (github.com/aws/eks-anywhere-packages,
// the `package-manager server` of the curated-packages controller), which scripts/build-go-tools
// builds from the Go module proxy (see main-package). v0.4.17 is the latest release (2026-06-25); the proxy serves it when asked for that version (it refuses the version list).
package tools

import _ "github.com/aws/eks-anywhere-packages"
