// One import for input validation: attributes, node and group input, MAC addresses.
export { validateAttrs, validateAttrName, validateAttrValue, checkAttrValue } from './validate-attrs.ts';
export {
  validateNewNode, validateNodePatch, validateGroup, validateGroupPatch, validateNodeName, validateGroupName, NAME,
} from './entity-validation.ts';
export { normalizeMac, normalizeMacList } from './mac-address.ts';
export { ATTRIBUTE_CATALOG, ATTR_NAME, type AttrSpec } from './attribute-catalog.ts';
