// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IMemoToken {
    function transferFromWithMemo(address from, address to, uint256 amount, bytes32 memo) external returns (bool);
}

/// @title Pays many recipients of one TIP-20-style token in one transaction (one fee), all or nothing.
/// @notice The payer approves this contract once; each leg is a `transferFromWithMemo` from the payer, so
///         every recipient sees a `Transfer` and a `TransferWithMemo` from the payer itself. Any failing leg
///         reverts the whole transaction: a batch is never half paid.
contract BatchPayer {
    error LengthMismatch();

    event BatchPaid(address indexed token, address indexed payer, bytes32 indexed batchMemo, uint256 legs, uint256 total);

    function pay(
        address token,
        address[] calldata recipients,
        uint256[] calldata amounts,
        bytes32 memo
    ) external returns (uint256 total) {
        if (recipients.length != amounts.length) revert LengthMismatch();
        IMemoToken t = IMemoToken(token);
        for (uint256 i = 0; i < recipients.length; i++) {
            t.transferFromWithMemo(msg.sender, recipients[i], amounts[i], memo);
            total += amounts[i];
        }
        emit BatchPaid(token, msg.sender, memo, recipients.length, total);
    }
}
