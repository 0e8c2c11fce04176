// Next.js's ambient types (CSS modules, images), so that `tsc` works before any `next build`
// has written next-env.d.ts.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
