"""The API by feature: each module holds one feature's Query and Mutation fields; ``schema.root`` composes them."""
