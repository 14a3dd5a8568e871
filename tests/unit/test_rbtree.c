/*
 * Tests for lib/rbtree.c: thousands of random inserts and erases with the
 * full red-black invariants checked after every operation, plus traversal.
 */
#include "unit.h"

#include <ferrite/rbtree.h>
#include <stdlib.h>
#include <string.h>

struct item {
	struct rb_node node;
	int key;
	bool in_tree;
};

enum { NKEYS = 3000 };
static struct item items[NKEYS];

static void insert(struct rb_root *root, struct item *it)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (it->key < rb_entry(parent, struct item, node)->key)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color(&it->node, root);
	it->in_tree = true;
}

/*
 * Check the subtree at @n: parent pointers, key order within (lo, hi),
 * no red node with a red child. Returns its black height, -1 on error.
 */
static int check(const struct rb_node *n, const struct rb_node *parent,
		 long lo, long hi, unsigned int *count)
{
	int key, lh, rh;

	if (!n)
		return 1;
	key = rb_entry(n, struct item, node)->key;
	(*count)++;
	if (rb_parent(n) != parent || key < lo || key > hi)
		return -1;
	if (rb_is_red(n) && ((n->rb_left && rb_is_red(n->rb_left)) ||
			     (n->rb_right && rb_is_red(n->rb_right))))
		return -1;
	lh = check(n->rb_left, n, lo, key, count);
	rh = check(n->rb_right, n, key, hi, count);
	if (lh < 0 || rh < 0 || lh != rh)
		return -1;
	return lh + rb_is_black(n);
}

static bool tree_valid(const struct rb_root *root, unsigned int expect)
{
	unsigned int count = 0;

	if (root->rb_node && !rb_is_black(root->rb_node))
		return false;
	if (check(root->rb_node, NULL, -(1L << 40), 1L << 40, &count) < 0)
		return false;
	return count == expect;
}

TEST(empty_tree)
{
	struct rb_root root = RB_ROOT;

	EXPECT(RB_EMPTY_ROOT(&root));
	EXPECT(rb_first(&root) == NULL);
	EXPECT(rb_last(&root) == NULL);
}

TEST(validator_catches_broken_trees)
{
	struct rb_root root = RB_ROOT;
	int i;

	for (i = 0; i < 3; i++) {
		items[i].key = i;
		insert(&root, &items[i]);
	}
	EXPECT(tree_valid(&root, 3));
	root.rb_node->parent_color &= ~1UL;	/* red root */
	EXPECT(!tree_valid(&root, 3));
	root.rb_node->parent_color |= 1UL;
	items[0].key = 5;			/* order broken */
	EXPECT(!tree_valid(&root, 3));
	items[0].key = 0;
	EXPECT(!tree_valid(&root, 2));		/* wrong count */
}

TEST(random_insert_erase_keeps_invariants)
{
	struct rb_root root = RB_ROOT;
	unsigned int seed = 7, in = 0, op, i;
	bool ok = true;

	memset(items, 0, sizeof(items));
	for (i = 0; i < NKEYS; i++)
		items[i].key = (int)(i * 7919 % 10007);	/* distinct, shuffled */
	for (op = 0; op < 4 * NKEYS && ok; op++) {
		seed = seed * 1103515245 + 12345;
		i = (seed >> 8) % NKEYS;
		/* Insert more than erase at first, then drain. */
		if (!items[i].in_tree && op < 2 * NKEYS) {
			insert(&root, &items[i]);
			in++;
		} else if (items[i].in_tree) {
			rb_erase(&items[i].node, &root);
			items[i].in_tree = false;
			in--;
		}
		ok = tree_valid(&root, in);
	}
	EXPECT(ok);
	/* Remove what is left, checking after each erase. */
	for (i = 0; i < NKEYS && ok; i++) {
		if (!items[i].in_tree)
			continue;
		rb_erase(&items[i].node, &root);
		items[i].in_tree = false;
		ok = tree_valid(&root, --in);
	}
	EXPECT(ok);
	EXPECT(RB_EMPTY_ROOT(&root));
}

TEST(duplicate_keys_and_sorted_input)
{
	struct rb_root root = RB_ROOT;
	unsigned int i;

	/* Ascending then all-equal keys: the worst cases for rebalancing. */
	for (i = 0; i < 1000; i++) {
		items[i].key = i < 500 ? (int)i : 42;
		insert(&root, &items[i]);
		ASSERT(tree_valid(&root, i + 1));
	}
	for (i = 999; i < 1000; i--) {
		rb_erase(&items[i].node, &root);
		ASSERT(tree_valid(&root, i));
	}
}

TEST(in_order_traversal_both_ways)
{
	struct rb_root root = RB_ROOT;
	struct rb_node *n;
	int prev, count;
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		items[i].key = (int)(i * 389 % 1000);
		insert(&root, &items[i]);
	}
	prev = -1;
	count = 0;
	for (n = rb_first(&root); n; n = rb_next(n)) {
		EXPECT(rb_entry(n, struct item, node)->key == prev + 1);
		prev = rb_entry(n, struct item, node)->key;
		count++;
	}
	EXPECT_EQ(count, 1000);
	prev = 1000;
	for (n = rb_last(&root); n; n = rb_prev(n)) {
		EXPECT(rb_entry(n, struct item, node)->key == prev - 1);
		prev = rb_entry(n, struct item, node)->key;
	}
	EXPECT_EQ(prev, 0);
	EXPECT_EQ(rb_entry(rb_first(&root), struct item, node)->key, 0);
	EXPECT_EQ(rb_entry(rb_last(&root), struct item, node)->key, 999);
}

TEST(clear_node_marks_unlinked)
{
	struct item it;

	RB_CLEAR_NODE(&it.node);
	EXPECT(RB_EMPTY_NODE(&it.node));
}
