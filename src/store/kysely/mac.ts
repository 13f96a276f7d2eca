// MAC addresses in the one form the store keeps (aa:bb:cc:dd:ee:ff): the domain's normaliser, so the API's
// validation and the store's uniqueness always agree on what "the same MAC" is.
export { normalizeMac, normalizeMacList } from '../../domain/inventory/mac-address.ts';
