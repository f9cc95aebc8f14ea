//go:build tools

// Package tools pins the reference IAM Roles Anywhere client, aws_signing_helper, which
// scripts/build-go-tools builds from the Go module proxy (see main-package).
package tools

import _ "github.com/aws/rolesanywhere-credential-helper"
