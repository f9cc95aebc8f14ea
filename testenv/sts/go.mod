module github.com/eksa-credprov/testenv/sts

go 1.26.0
