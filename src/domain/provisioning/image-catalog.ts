// What provisioning needs from the image catalog (src/images/ implements it): where a named disk image is and how to check it.

/** One disk image the install agent streams onto a node's disk. */
export interface ImageInfo {
  name: string;
  /** raw: bytes as written to disk; gz: gzip of those bytes (the agent decompresses while writing). */
  format: 'raw' | 'gz';
  /** Hex SHA-256 of the raw, uncompressed bytes: what the agent verifies after writing. */
  sha256: string;
  /** Size in bytes of the raw, uncompressed image. */
  size: number;
  /** Path under stage0's HTTP base where the image file is served, e.g. /images/test-image/disk.raw.gz. */
  urlPath: string;
}

/** Small on purpose: the install callbacks only look images up by the name a profile gives. */
export interface ImageCatalog {
  get(name: string): Promise<ImageInfo | undefined>;
}
