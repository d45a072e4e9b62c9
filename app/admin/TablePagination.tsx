import { Box, InlineStack, Pagination } from "@shopify/polaris";

/** The footer of a paged list; nothing when everything fits on one page. */
export function TablePagination({
  page,
  hasPrevious,
  hasNext,
  onPage,
}: {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPage: (page: number) => void;
}) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <Box padding="300" borderBlockStartWidth="025" borderColor="border">
      <InlineStack align="center">
        <Pagination hasPrevious={hasPrevious} hasNext={hasNext} onPrevious={() => onPage(page - 1)} onNext={() => onPage(page + 1)} label={`Page ${page}`} />
      </InlineStack>
    </Box>
  );
}
