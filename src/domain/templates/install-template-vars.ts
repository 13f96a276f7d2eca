// Builds the variables an installer template sees: node, site, image, token, callback, server.
import { invalid } from '../errors.ts';
import type { Attrs, Node } from '../inventory/types.ts';

/** The image fields templates may use; the image catalog maps its records onto this. */
export interface TemplateImage {
  name: string;
  kernel: string;
  initrd: string;
  /** Install source: a repository/tree URL (kickstart `url`, preseed mirror) or an image URL. */
  url: string;
  checksum: string;
  /** OS family, e.g. rhel, esxi, debian, ubuntu. */
  os: string;
  version: string;
}

export interface InstallTemplateInput {
  node: Pick<Node, 'name' | 'macs' | 'groups'>;
  /** The node's effective attributes (site <- groups <- node), e.g. plainAttrs(effectiveAttrs(...)). */
  attrs: Attrs;
  site: Attrs;
  image: TemplateImage;
  /** The node's one-time install token. */
  token: string;
  /** stage0's HTTP base URL as the node reaches it, e.g. http://10.20.0.1:8080. */
  server: string;
  /** Path under `server` where install callbacks live; the token is appended. */
  callbackPath?: string;
}

/** `node` holds the effective attributes flattened (`node.ip`, `node['bmc.address']`) plus the entity fields. */
export interface InstallTemplateVars {
  node: Record<string, unknown>;
  site: Attrs;
  image: TemplateImage;
  token: string;
  callback: string;
  server: string;
}

export const DEFAULT_CALLBACK_PATH = '/api/v1/install';

/** Strict on purpose: templates paste these into shell lines inside single quotes, so no quote or space may slip in. */
const SERVER = /^https?:\/\/[A-Za-z0-9.:[\]_-]+(\/[A-Za-z0-9._~/-]*)?$/;
const CALLBACK_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;
const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * Entity fields (name, macs, groups, mac = first MAC) win over attributes of the same name. Built with
 * Object.fromEntries so attribute names can never set a prototype.
 */
export function buildTemplateVars(input: InstallTemplateInput): InstallTemplateVars {
  if (!SERVER.test(input.server)) throw invalid(`server URL '${input.server}' must be http(s)://host[:port][/path] without quotes or spaces`, 'server');
  if (!TOKEN.test(input.token)) throw invalid('install token must be 16-256 characters of A-Z a-z 0-9 _ -', 'token');
  const path = input.callbackPath ?? DEFAULT_CALLBACK_PATH;
  if (!CALLBACK_PATH.test(path)) throw invalid(`callback path '${path}' must look like /a/b`, 'callbackPath');
  const server = input.server.replace(/\/+$/, '');
  const { name, macs, groups } = input.node;
  const entity: [string, unknown][] = [['name', name], ['macs', [...macs]], ['groups', [...groups]]];
  if (macs[0] !== undefined) entity.push(['mac', macs[0]]);
  return {
    node: Object.fromEntries([...Object.entries(input.attrs), ...entity]),
    site: Object.fromEntries(Object.entries(input.site)),
    image: { ...input.image },
    token: input.token,
    callback: `${server}${path}/${input.token}`,
    server,
  };
}
