"""`garderobe dev` on its first start: the dev-stack file, the sample shop, the dev accounts."""
