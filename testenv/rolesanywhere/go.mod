module github.com/eksa-credprov/testenv/rolesanywhere

go 1.26.0
