// The public API of this package. It is built in a later issue; the package already builds and
// is type-checked so that the workspace layout is in place.
export {};
