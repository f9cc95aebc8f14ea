// The Node.js version check has no exports.
export {};
