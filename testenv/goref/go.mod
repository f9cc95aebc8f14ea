module github.com/eksa-credprov/testenv/goref

// go 1.26 as k8s.io/kubernetes v1.37 declares, so the same GODEBUG defaults apply
// (urlstrictcolons=1).
go 1.26.0
