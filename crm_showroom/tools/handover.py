"""The even split of a handover (G1): pure, so its determinism is tested alone."""


def split_evenly(item_ids, user_ids):
    """``{user id: [item ids]}``: ``item_ids`` dealt in turn, in ascending id
    order, to ``user_ids`` in the order given (round robin): the same input
    always gives the same split, and no user gets more than one item more than
    another."""
    split = {user_id: [] for user_id in user_ids}
    if not user_ids:
        return split
    for index, item_id in enumerate(sorted(item_ids)):
        split[user_ids[index % len(user_ids)]].append(item_id)
    return split
